package server

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-kusto-go/azkustodata"
	kustoerrors "github.com/Azure/azure-kusto-go/azkustodata/errors"
	"github.com/Azure/azure-kusto-go/azkustodata/kql"
	"github.com/Azure/azure-kusto-go/azkustodata/query"
	v1 "github.com/Azure/azure-kusto-go/azkustodata/query/v1"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// sdkServer starts the server behind TLS on loopback (the SDK refuses to send a token over plain http) with the
// bearer token required, and returns an official-SDK client authenticated with kcsb's token option.
func sdkServer(t *testing.T, cfg Config, withToken func(*azkustodata.ConnectionStringBuilder, string) *azkustodata.ConnectionStringBuilder, token string) *azkustodata.Client {
	t.Helper()
	cfg.Token = testToken
	if cfg.Catalog == nil {
		cfg.Catalog = catalog.Map{"UrlClickEvents": clickEvents(200, 64)}
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewTLSServer(s.Handler())
	t.Cleanup(ts.Close)
	kcsb := withToken(azkustodata.NewConnectionStringBuilder(ts.URL), token)
	client, err := azkustodata.New(kcsb, azkustodata.WithHttpClient(ts.Client()))
	if err != nil {
		t.Fatalf("azkustodata.New: %v", err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return client
}

func appToken(k *azkustodata.ConnectionStringBuilder, tok string) *azkustodata.ConnectionStringBuilder {
	return k.WithApplicationToken("kqlhunt-test", tok)
}

func userToken(k *azkustodata.ConnectionStringBuilder, tok string) *azkustodata.ConnectionStringBuilder {
	return k.WithAadUserToken(tok)
}

func primaryTable(t *testing.T, ds query.Dataset) query.Table {
	t.Helper()
	for _, tb := range ds.Tables() {
		if tb.IsPrimaryResult() {
			return tb
		}
	}
	t.Fatalf("no primary result among %d tables", len(ds.Tables()))
	return nil
}

// expectedBlockedPerDay counts blocked clicks per day of the seed rule's window straight from the table's batches.
func expectedBlockedPerDay(mt *catalog.MemTable, now time.Time) []int64 {
	dayStart := types.TimeToTicks(now.Truncate(24 * time.Hour))
	start := dayStart - 30*types.TicksPerDay
	counts := make([]int64, 30)
	for _, b := range mt.Batches {
		ts, action := b.Cols[b.ColumnIndex("Timestamp")], b.Cols[b.ColumnIndex("ActionType")]
		for i := 0; i < b.NumRows(); i++ {
			if action.Strs[i] != "ClickBlocked" || ts.Ints[i] < start || ts.Ints[i] >= dayStart {
				continue
			}
			counts[(ts.Ints[i]-start)/types.TicksPerDay]++
		}
	}
	return counts
}

// TestSDKSeedRule runs the seed rule through the official Go SDK with now() pinned by the query_now request
// property, and reads the series (dynamic arrays) and the render visualization.
func TestSDKSeedRule(t *testing.T) {
	mt := clickEvents(500, 64)
	for _, tc := range []struct {
		name  string
		token func(*azkustodata.ConnectionStringBuilder, string) *azkustodata.ConnectionStringBuilder
	}{
		{name: "application token", token: appToken},
		{name: "AAD user token", token: userToken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client := sdkServer(t, Config{Catalog: catalog.Map{"UrlClickEvents": mt}}, tc.token, testToken)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			ds, err := client.Query(ctx, DefaultDatabase, kql.New("").AddUnsafe(seedQuery(t)),
				azkustodata.CustomQueryOption("query_now", "2026-11-30T09:30:00Z"))
			if err != nil {
				t.Fatalf("Query: %v", err)
			}
			primary := primaryTable(t, ds)
			rows := primary.Rows()
			if len(rows) != 1 {
				t.Fatalf("got %d rows, want 1", len(rows))
			}
			var got []int64
			raw, err := rows[0].DynamicByName("BlockedClicks")
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatalf("BlockedClicks %s: %v", raw, err)
			}
			want := expectedBlockedPerDay(mt, testNow)
			if len(got) != len(want) {
				t.Fatalf("BlockedClicks has %d days, want %d: %v", len(got), len(want), got)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("day %d: %d blocked clicks, want %d (got %v, want %v)", i, got[i], want[i], got, want)
					break
				}
			}
			var days []time.Time
			raw, err = rows[0].DynamicByName("Timestamp")
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(raw, &days); err != nil {
				t.Fatalf("Timestamp %s: %v", raw, err)
			}
			if first, last := days[0], days[len(days)-1]; !first.Equal(time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)) ||
				!last.Equal(time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("series axis runs %v .. %v, want 2026-10-31 .. 2026-11-29", first, last)
			}
			var vis string
			for _, tb := range ds.Tables() {
				if tb.Kind() == "QueryProperties" {
					for _, r := range tb.Rows() {
						if key, _ := r.StringByName("Key"); key == "Visualization" {
							v, _ := r.DynamicByName("Value")
							vis = string(v)
						}
					}
				}
			}
			if !strings.Contains(vis, `"Visualization":"timechart"`) {
				t.Errorf("QueryProperties Visualization = %q, want the timechart", vis)
			}
		})
	}
}

// TestSDKTypedValues reads one value of every scalar type through the SDK's typed accessors.
func TestSDKTypedValues(t *testing.T) {
	client := sdkServer(t, Config{}, appToken, testToken)
	ds, err := client.Query(context.Background(), DefaultDatabase, kql.New(
		`print b=true, i=int(-7), l=long(9007199254740993), r=2.5, dec=todecimal(1.25), s="héllo", `+
			`dt=datetime(2026-11-30 01:02:03.1234567), ts=time(1.02:03:04.5), g=guid(0e9f5c0a-1b2c-4d3e-8f40-5a6b7c8d9e0f), `+
			`d=dynamic({"a":[1,"x"]}), nl=long(null)`))
	if err != nil {
		t.Fatalf("Query: %v", err)
	}
	r := primaryTable(t, ds).Rows()[0]
	check := func(name string, got, want any, err error) {
		t.Helper()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return
		}
		if got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	b, err := r.BoolByName("b")
	check("b", *b, true, err)
	i, err := r.IntByName("i")
	check("i", *i, int32(-7), err)
	l, err := r.LongByName("l")
	check("l", *l, int64(9007199254740993), err)
	f, err := r.RealByName("r")
	check("r", *f, 2.5, err)
	dec, err := r.DecimalByName("dec")
	check("dec", dec.String(), "1.25", err)
	s, err := r.StringByName("s")
	check("s", s, "héllo", err)
	dt, err := r.DateTimeByName("dt")
	check("dt", dt.Format(time.RFC3339Nano), "2026-11-30T01:02:03.1234567Z", err)
	ts, err := r.TimespanByName("ts")
	check("ts", *ts, 26*time.Hour+3*time.Minute+4500*time.Millisecond, err)
	g, err := r.GuidByName("g")
	check("g", g.String(), "0e9f5c0a-1b2c-4d3e-8f40-5a6b7c8d9e0f", err)
	d, err := r.DynamicByName("d")
	check("d", string(d), `{"a":[1,"x"]}`, err)
	nl, err := r.LongByName("nl")
	check("nl is null", nl == nil, true, err)
}

// TestSDKErrors checks what the SDK surfaces for a located query error, a truncated result, and a bad token.
func TestSDKErrors(t *testing.T) {
	ctx := context.Background()
	t.Run("syntax error carries line and column", func(t *testing.T) {
		client := sdkServer(t, Config{}, appToken, testToken)
		_, err := client.Query(ctx, DefaultDatabase, kql.New("UrlClickEvents\n| where ActionType = = 1"))
		if err == nil {
			t.Fatal("no error for a syntax error")
		}
		var herr *kustoerrors.HttpError
		if !asHTTPError(err, &herr) || herr.StatusCode != http.StatusBadRequest {
			t.Fatalf("error %T %v, want an HTTP 400 error", err, err)
		}
		for _, want := range []string{"Syntax error", "line [2,20]", `"@line":2`, `"@characterPositionInLine":20`} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error lacks %q: %v", want, err)
			}
		}
	})
	t.Run("truncated result is a partial failure", func(t *testing.T) {
		client := sdkServer(t, Config{}, appToken, testToken)
		_, err := client.Query(ctx, DefaultDatabase, kql.New("UrlClickEvents | take 5"),
			azkustodata.CustomQueryOption("truncationmaxrecords", 3))
		if err == nil || !strings.Contains(err.Error(), "E_QUERY_RESULT_SET_TOO_LARGE") {
			t.Fatalf("error %v, want E_QUERY_RESULT_SET_TOO_LARGE", err)
		}
	})
	t.Run("wrong token is refused", func(t *testing.T) {
		client := sdkServer(t, Config{}, appToken, "not-the-token-0123456789")
		_, err := client.Query(ctx, DefaultDatabase, kql.New("print 1"))
		var herr *kustoerrors.HttpError
		if !asHTTPError(err, &herr) || herr.StatusCode != http.StatusUnauthorized {
			t.Fatalf("error %v, want HTTP 401", err)
		}
	})
}

func asHTTPError(err error, target **kustoerrors.HttpError) bool {
	for err != nil {
		if h, ok := err.(*kustoerrors.HttpError); ok {
			*target = h
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

// TestSDKMgmt runs the connect-time management commands through the SDK's Mgmt (v1) call.
func TestSDKMgmt(t *testing.T) {
	client := sdkServer(t, Config{}, appToken, testToken)
	tests := []struct {
		name    string
		command string
		column  string
		want    []string
	}{
		{name: "show version", command: ".show version", column: "ServiceType", want: []string{"Engine"}},
		{name: "show databases", command: ".show databases", column: "DatabaseName", want: []string{"kqlhunt"}},
		{name: "show tables", command: ".show tables", column: "TableName", want: []string{"UrlClickEvents"}},
		{name: "show databases schema", command: ".show databases schema", column: "ColumnType",
			want: []string{"", "", "System.DateTime", "System.String", "System.String", "System.String", "System.SByte", "System.Object", "System.String"}},
		{name: "show functions", command: ".show functions", column: "Name", want: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ds, err := client.Mgmt(context.Background(), DefaultDatabase, kql.New("").AddUnsafe(tc.command))
			if err != nil {
				t.Fatalf("Mgmt: %v", err)
			}
			rows := ds.Tables()[0].Rows()
			var got []string
			for _, r := range rows {
				v, err := r.ValueByName(tc.column)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, v.String())
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
				t.Errorf("%s column %s = %q, want %q", tc.command, tc.column, got, tc.want)
			}
		})
	}
}

// TestSDKReadsV1QueryResponse feeds a v1 query response to the SDK's own v1 decoder (the SDK has no v1 query call).
func TestSDKReadsV1QueryResponse(t *testing.T) {
	_, ts := newTestServer(t, Config{})
	status, body := post(t, ts, "/v1/rest/query", "", map[string]any{"db": "kqlhunt", "csl": "UrlClickEvents | summarize n=count() by ActionType | order by ActionType asc"})
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	ds, err := v1.NewDatasetFromReader(context.Background(), kustoerrors.OpQuery, io.NopCloser(strings.NewReader(string(body))))
	if err != nil {
		t.Fatalf("SDK v1 decoder: %v", err)
	}
	tables := ds.Tables()
	if len(tables) != 1 {
		t.Fatalf("SDK found %d primary tables, want 1", len(tables))
	}
	var got []string
	for _, r := range tables[0].Rows() {
		a, _ := r.StringByName("ActionType")
		n, err := r.LongByName("n")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, a+"="+jsonNumber(*n))
	}
	// 60 rows, every third blocked.
	if want := "ClickAllowed=40,ClickBlocked=20"; strings.Join(got, ",") != want {
		t.Errorf("got %v, want %s", got, want)
	}
}

func jsonNumber(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// writeSelfSignedCert writes a certificate for 127.0.0.1 and its key as PEM files, and returns a pool trusting it.
func writeSelfSignedCert(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "kqlhunt test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestSDKAgainstServeTLS runs the SDK against Serve itself (not httptest) with TLS and a token file, as
// `kqlhunt serve --tls-cert --tls-key --token-file` would.
func TestSDKAgainstServeTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := writeSelfSignedCert(t, dir)
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte(testToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Catalog: catalog.Map{"UrlClickEvents": clickEvents(30, 30)}, Listen: "127.0.0.1:0",
		TokenFile: tokenFile, TLSCertFile: certFile, TLSKeyFile: keyFile})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- s.Serve(ctx, ln) }()
	defer func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()
	httpClient := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	client, err := azkustodata.New(azkustodata.NewConnectionStringBuilder(s.URL(ln.Addr())).WithAadUserToken(testToken),
		azkustodata.WithHttpClient(httpClient))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	ds, err := client.Query(ctx, DefaultDatabase, kql.New("UrlClickEvents | summarize n=count()"))
	if err != nil {
		t.Fatalf("Query: %v", err)
	}
	n, err := primaryTable(t, ds).Rows()[0].LongByName("n")
	if err != nil || *n != 30 {
		t.Fatalf("count = %v (%v), want 30", n, err)
	}
}
