package ingest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// writeStorageBlob writes n Streaming API UrlClickEvents records (about 900 bytes each) as one PT1H.json blob.
func writeStorageBlob(tb testing.TB, dir string, n int) string {
	tb.Helper()
	p := filepath.Join(dir, "insights-logs-advancedhunting-urlclickevents", "tenantId=t", "y=2026", "m=11", "d=20", "h=08", "m=00", "PT1H.json")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tb.Fatal(err)
	}
	f, err := os.Create(p)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	actions := []string{"ClickAllowed", "ClickBlocked", "ClickBlockedByTenantPolicy", "UrlScanInProgress"}
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, `{"time": "2026-11-20T08:15:40.0000000Z", "tenantId": "00000000-1111-2222-3333-444444444444", "operationName": "Publish", "category": "AdvancedHunting-UrlClickEvents", "_TimeReceivedBySvc": "2026-11-20T08:13:11.0000000", "properties": {"Timestamp": "2026-11-20T08:%02d:%02d.%07dZ", "Url": "https://links.example-mailer.net/ls/click?upn=u%06d.AbCdEf", "ActionType": "%s", "AccountUpn": "user%d@contoso.com", "Workload": "Email", "NetworkMessageId": "53913957-73ec-4a39-d4ee-%012d", "ThreatTypes": null, "DetectionMethods": null, "IPAddress": "203.0.113.%d", "IsClickedThrough": %v, "UrlChain": "[\"https://links.example-mailer.net/ls/click?upn=u%06d.AbCdEf\"]", "ReportId": "e2cf1de7-98af-47b5-4a2d-%012d", "__UDI_RequiredFields_TenantId": "00000000-1111-2222-3333-444444444444"}, "Tenant": "DefaultTenant"}`+"\r\n",
			(i/60)%60, i%60, i%10000000, i, actions[i%len(actions)], i%500, i, i%250, i%7 == 0, i, i)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return p
}

func BenchmarkLoadStorageBlob(b *testing.B) {
	const rows = 100_000
	p := writeStorageBlob(b, b.TempDir(), rows)
	st, _ := os.Stat(p)
	for _, bc := range []struct {
		name string
		opts Options
	}{
		{name: "all-columns"},
		{name: "two-columns", opts: Options{Columns: map[string][]string{"UrlClickEvents": {"Timestamp", "ActionType"}}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(st.Size())
			for i := 0; i < b.N; i++ {
				ds, err := Load(context.Background(), []string{p}, bc.opts)
				if err != nil {
					b.Fatal(err)
				}
				if ds.Rows["UrlClickEvents"] != rows || len(ds.Problems) != 0 {
					b.Fatalf("rows %v problems %v", ds.Rows, ds.Problems)
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkLoadStorageTree reads a storage-account tree of many small hourly blobs (240 files of 1,000
// records), the shape of a real Streaming API export, reading only the two columns of the seed rule.
func BenchmarkLoadStorageTree(b *testing.B) {
	const files, perFile = 240, 1000
	dir := b.TempDir()
	var size int64
	for i := 0; i < files; i++ {
		sub := filepath.Join(dir, fmt.Sprintf("h%03d", i))
		p := writeStorageBlob(b, sub, perFile)
		st, err := os.Stat(p)
		if err != nil {
			b.Fatal(err)
		}
		size += st.Size()
	}
	opts := Options{Columns: map[string][]string{"UrlClickEvents": {"Timestamp", "ActionType"}}}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ds, err := Load(context.Background(), []string{dir}, opts)
		if err != nil {
			b.Fatal(err)
		}
		if ds.Rows["UrlClickEvents"] != files*perFile || len(ds.Problems) != 0 {
			b.Fatalf("rows %v problems %v", ds.Rows, ds.Problems)
		}
	}
	b.ReportMetric(float64(files*perFile)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
