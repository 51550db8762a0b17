package gen

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

var testEnd = time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)

func generate(t *testing.T, opts Options) (*Summary, string) {
	t.Helper()
	if opts.Out == "" {
		opts.Out = t.TempDir()
	}
	sum, err := Generate(context.Background(), opts)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return sum, opts.Out
}

// readTree returns every file under dir, keyed by its slash path relative to dir.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestDeterministic(t *testing.T) {
	opts := Options{Table: "UrlClickEvents", Days: 10, Rows: 800, Seed: 7, End: testEnd}
	_, dirA := generate(t, opts)
	_, dirB := generate(t, opts)
	a, b := readTree(t, dirA), readTree(t, dirB)
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("file counts differ or zero: %d vs %d", len(a), len(b))
	}
	for name, content := range a {
		if !bytes.Equal(content, b[name]) {
			t.Fatalf("%s differs between two runs with the same seed", name)
		}
	}
	opts.Seed = 8
	_, dirC := generate(t, opts)
	c := readTree(t, dirC)
	same := len(a) == len(c)
	if same {
		for name, content := range a {
			if !bytes.Equal(content, c[name]) {
				same = false
				break
			}
		}
	}
	if same {
		t.Fatal("seeds 7 and 8 produced identical data")
	}
}

var blobPath = regexp.MustCompile(`^insights-logs-advancedhunting-urlclickevents/tenantId=[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/y=(\d{4})/m=(\d{2})/d=(\d{2})/h=(\d{2})/m=00/PT1H\.json$`)

// record mirrors a Streaming API storage record.
type record struct {
	Time          string                     `json:"time"`
	TenantID      string                     `json:"tenantId"`
	OperationName string                     `json:"operationName"`
	Category      string                     `json:"category"`
	Received      string                     `json:"_TimeReceivedBySvc"`
	Properties    map[string]json.RawMessage `json:"properties"`
	Tenant        string                     `json:"Tenant"`
}

func TestLayoutAndRecords(t *testing.T) {
	sum, dir := generate(t, Options{Table: "UrlClickEvents", Days: 14, Rows: 3000, Seed: 1, End: testEnd})
	files := readTree(t, dir)
	if sum.Files != len(files) {
		t.Errorf("summary says %d files, found %d", sum.Files, len(files))
	}
	validActions := map[string]bool{"ClickAllowed": true, "ClickBlocked": true, "ClickBlockedByTenantPolicy": true,
		"UrlScanInProgress": true, "UrlErrorPage": true}
	validWorkloads := map[string]bool{"Email": true, "Teams": true, "Office": true}
	actions := map[string]int{}
	workloads := map[string]int{}
	rows, ipv6, unknownCols := 0, 0, 0
	first := testEnd.AddDate(0, 0, -13)
	for name, content := range files {
		m := blobPath.FindStringSubmatch(name)
		if m == nil {
			t.Fatalf("blob path %q does not follow the storage layout", name)
		}
		hourStart, err := time.Parse("2006-01-02T15", m[1]+"-"+m[2]+"-"+m[3]+"T"+m[4])
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasSuffix(content, []byte("\r\n")) {
			t.Fatalf("%s does not end with CRLF", name)
		}
		lines := strings.Split(strings.TrimSuffix(string(content), "\r\n"), "\r\n")
		for i, line := range lines {
			var rec record
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("%s line %d: %v", name, i+1, err)
			}
			rows++
			if rec.OperationName != "Publish" || rec.Category != "AdvancedHunting-UrlClickEvents" || rec.Tenant != "DefaultTenant" {
				t.Fatalf("%s line %d: bad envelope %+v", name, i+1, rec)
			}
			exported, err := time.Parse(time.RFC3339Nano, rec.Time)
			if err != nil {
				t.Fatalf("%s line %d: time %q: %v", name, i+1, rec.Time, err)
			}
			if exported.Before(hourStart) || !exported.Before(hourStart.Add(time.Hour)) {
				t.Fatalf("%s line %d: export time %s outside the blob's hour", name, i+1, rec.Time)
			}
			var tsText, action, workload, ip, chain string
			var clicked bool
			mustField(t, rec.Properties, "Timestamp", &tsText)
			mustField(t, rec.Properties, "ActionType", &action)
			mustField(t, rec.Properties, "Workload", &workload)
			mustField(t, rec.Properties, "IPAddress", &ip)
			mustField(t, rec.Properties, "UrlChain", &chain)
			mustField(t, rec.Properties, "IsClickedThrough", &clicked)
			ts, err := time.Parse(time.RFC3339Nano, tsText)
			if err != nil {
				t.Fatalf("%s line %d: Timestamp %q: %v", name, i+1, tsText, err)
			}
			if lag := exported.Sub(ts); lag < time.Minute || lag > 3*time.Minute+time.Second {
				t.Fatalf("%s line %d: export lag %s not within 1-3 minutes", name, i+1, lag)
			}
			if ts.Before(first) || !ts.Before(testEnd.AddDate(0, 0, 1)) {
				t.Fatalf("%s line %d: Timestamp %s outside the requested days", name, i+1, tsText)
			}
			if !validActions[action] || !validWorkloads[workload] {
				t.Fatalf("%s line %d: ActionType %q / Workload %q not a real value", name, i+1, action, workload)
			}
			actions[action]++
			workloads[workload]++
			if strings.Contains(ip, ":") {
				ipv6++
			}
			var urls []string
			if err := json.Unmarshal([]byte(chain), &urls); err != nil || len(urls) == 0 {
				t.Fatalf("%s line %d: UrlChain %q is not a JSON array of URLs", name, i+1, chain)
			}
			if dm, ok := rec.Properties["DetectionMethods"]; ok && action == "ClickBlocked" {
				var text string
				if err := json.Unmarshal(dm, &text); err != nil {
					t.Fatalf("%s line %d: DetectionMethods is not a string: %s", name, i+1, dm)
				}
				var methods map[string][]string
				if err := json.Unmarshal([]byte(text), &methods); err != nil || len(methods) == 0 {
					t.Fatalf("%s line %d: DetectionMethods %q is not JSON text", name, i+1, text)
				}
			}
			if _, ok := rec.Properties["AppName"]; ok {
				unknownCols++
			}
		}
	}
	if rows != 3000 || sum.Rows != 3000 {
		t.Fatalf("wrote %d rows (summary %d), want 3000", rows, sum.Rows)
	}
	for a := range validActions {
		if actions[a] == 0 {
			t.Errorf("ActionType %s never generated (%v)", a, actions)
		}
	}
	for wl := range validWorkloads {
		if workloads[wl] == 0 {
			t.Errorf("Workload %s never generated", wl)
		}
	}
	if actions["ClickAllowed"] < actions["ClickBlocked"] {
		t.Errorf("more blocked than allowed clicks: %v", actions)
	}
	if ipv6 == 0 || ipv6 == rows {
		t.Errorf("want a mix of IPv4 and IPv6 addresses, got %d IPv6 of %d", ipv6, rows)
	}
	if unknownCols == 0 {
		t.Error("no row carries the undocumented columns real exports have")
	}
}

func mustField(t *testing.T, props map[string]json.RawMessage, key string, dst any) {
	t.Helper()
	raw, ok := props[key]
	if !ok {
		t.Fatalf("properties lack %s", key)
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		t.Fatalf("properties.%s = %s: %v", key, raw, err)
	}
}

func TestRhythm(t *testing.T) {
	sum, _ := generate(t, Options{Table: "UrlClickEvents", Days: 28, Rows: 8000, Seed: 3, End: testEnd})
	var weekday, weekend, weekdayDays, weekendDays int
	for day, n := range sum.PerDay {
		d, err := time.Parse("2006-01-02", day)
		if err != nil {
			t.Fatal(err)
		}
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			weekend += n
			weekendDays++
		} else {
			weekday += n
			weekdayDays++
		}
	}
	if weekdayDays != 20 || weekendDays != 8 {
		t.Fatalf("days seen: %d weekdays, %d weekend days; want 20 and 8", weekdayDays, weekendDays)
	}
	perWeekday, perWeekendDay := float64(weekday)/20, float64(weekend)/8
	if perWeekday < 2.5*perWeekendDay {
		t.Errorf("weekday mean %.0f is not well above weekend mean %.0f", perWeekday, perWeekendDay)
	}
}

func TestWorkingHours(t *testing.T) {
	_, dir := generate(t, Options{Table: "UrlClickEvents", Days: 7, Rows: 3000, Seed: 5, End: testEnd})
	perHour := map[int]int{}
	for _, content := range readTree(t, dir) {
		for _, line := range strings.Split(strings.TrimSpace(string(content)), "\r\n") {
			var rec record
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatal(err)
			}
			var tsText string
			mustField(t, rec.Properties, "Timestamp", &tsText)
			ts, err := time.Parse(time.RFC3339Nano, tsText)
			if err != nil {
				t.Fatal(err)
			}
			perHour[ts.Hour()]++
		}
	}
	office, night := 0, 0
	for h := 9; h < 12; h++ {
		office += perHour[h]
	}
	for h := 1; h < 4; h++ {
		night += perHour[h]
	}
	if office < 10*night {
		t.Errorf("09-12 UTC has %d clicks, 01-04 has %d: no working-hours rhythm", office, night)
	}
}

func TestOptionsErrors(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{name: "unknown table", opts: Options{Table: "NoSuchTable", Days: 1, Out: "x"}, want: `unknown table "NoSuchTable"`},
		{name: "zero days", opts: Options{Table: "UrlClickEvents", Days: 0, Out: "x"}, want: "--days"},
		{name: "negative rows", opts: Options{Table: "UrlClickEvents", Days: 1, Rows: -1, Out: "x"}, want: "--rows"},
		{name: "no output", opts: Options{Table: "UrlClickEvents", Days: 1}, want: "output"},
		{name: "too many days", opts: Options{Table: "UrlClickEvents", Days: MaxDays + 1, Out: "x"}, want: "--days must be between 1 and 3660"},
		{name: "too many rows", opts: Options{Table: "UrlClickEvents", Days: 1, Rows: MaxRows + 1, Out: "x"}, want: "--rows must be between 0 and 5000000"},
		{name: "before year 1601", opts: Options{Table: "UrlClickEvents", Days: 2, End: time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC), Out: "x"}, want: "1600-12-31 to 1601-01-01"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Generate(context.Background(), tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestTables(t *testing.T) {
	got := Tables()
	if !sort.StringsAreSorted(got) {
		t.Fatalf("Tables() = %v, not sorted", got)
	}
	// The hand-written generators plus one schema-driven generator per other built-in table.
	all := strings.Join(got, ",")
	for _, want := range []string{"EmailEvents", "UrlClickEvents", "DeviceProcessEvents"} {
		if !strings.Contains(","+all+",", ","+want+",") {
			t.Errorf("Tables() = %v, missing %s", got, want)
		}
	}
}

// orderedKeys returns the keys of a JSON object in the order written.
func orderedKeys(t *testing.T, raw []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not a JSON object: %s", raw)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// TestShapeMatchesRealExport compares the generated records with a real (anonymised) Streaming API record:
// same envelope keys in the same order, and the documented columns first, in the export's order.
func TestShapeMatchesRealExport(t *testing.T) {
	sample, err := os.ReadFile(filepath.Join("testdata", "streaming-storage-UrlClickEvents.json"))
	if err != nil {
		t.Fatal(err)
	}
	sampleLine := []byte(strings.SplitN(string(sample), "\n", 2)[0])
	var sampleRec struct {
		Properties json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(sampleLine, &sampleRec); err != nil {
		t.Fatal(err)
	}
	wantEnvelope := orderedKeys(t, sampleLine)
	wantProps := orderedKeys(t, sampleRec.Properties)[:12] // the documented columns; the rest are extras

	_, dir := generate(t, Options{Table: "UrlClickEvents", Days: 2, Rows: 200, Seed: 9, End: testEnd})
	checked := 0
	for name, content := range readTree(t, dir) {
		for _, line := range strings.Split(strings.TrimSuffix(string(content), "\r\n"), "\r\n") {
			if got := orderedKeys(t, []byte(line)); strings.Join(got, ",") != strings.Join(wantEnvelope, ",") {
				t.Fatalf("%s: envelope keys %v, want %v", name, got, wantEnvelope)
			}
			var rec struct {
				Properties json.RawMessage `json:"properties"`
			}
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatal(err)
			}
			got := orderedKeys(t, rec.Properties)
			if len(got) < len(wantProps) || strings.Join(got[:len(wantProps)], ",") != strings.Join(wantProps, ",") {
				t.Fatalf("%s: property keys %v, want them to start with %v", name, got, wantProps)
			}
			checked++
		}
	}
	if checked != 200 {
		t.Fatalf("checked %d records, want 200", checked)
	}
}

// TestEmailEvents checks the EmailEvents records: layout, the columns of a real Event Hubs record in its
// order, real enumeration values, JSON text and JSON array columns.
func TestEmailEvents(t *testing.T) {
	sample, err := os.ReadFile(filepath.Join("testdata", "streaming-eventhub-EmailEvents.json"))
	if err != nil {
		t.Fatal(err)
	}
	var hub struct {
		Records []json.RawMessage `json:"records"`
	}
	if err := json.Unmarshal(sample, &hub); err != nil || len(hub.Records) == 0 {
		t.Fatalf("sample: %v", err)
	}
	var sampleRec struct {
		Properties json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(hub.Records[0], &sampleRec); err != nil {
		t.Fatal(err)
	}
	wantEnvelope := orderedKeys(t, hub.Records[0])
	wantProps := orderedKeys(t, sampleRec.Properties)

	sum, dir := generate(t, Options{Table: "EmailEvents", Days: 7, Rows: 3000, Seed: 2, End: testEnd})
	if sum.Rows != 3000 || !strings.HasSuffix(sum.Container, "insights-logs-advancedhunting-emailevents") {
		t.Fatalf("summary %+v", sum)
	}
	directions := map[string]int{}
	actions := map[string]int{}
	for name, content := range readTree(t, dir) {
		if !strings.HasPrefix(name, "insights-logs-advancedhunting-emailevents/tenantId=") || !strings.HasSuffix(name, "/m=00/PT1H.json") {
			t.Fatalf("blob path %q", name)
		}
		for _, line := range strings.Split(strings.TrimSuffix(string(content), "\r\n"), "\r\n") {
			if got := orderedKeys(t, []byte(line)); strings.Join(got, ",") != strings.Join(wantEnvelope, ",") {
				t.Fatalf("envelope keys %v, want %v", got, wantEnvelope)
			}
			var rec record
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatal(err)
			}
			if rec.Category != "AdvancedHunting-EmailEvents" {
				t.Fatalf("category %q", rec.Category)
			}
			var props struct {
				Properties json.RawMessage `json:"properties"`
			}
			_ = json.Unmarshal([]byte(line), &props)
			if got := orderedKeys(t, props.Properties); strings.Join(got, ",") != strings.Join(wantProps, ",") {
				t.Fatalf("property keys %v, want %v", got, wantProps)
			}
			var direction, action, auth string
			var to []string
			mustField(t, rec.Properties, "EmailDirection", &direction)
			mustField(t, rec.Properties, "DeliveryAction", &action)
			mustField(t, rec.Properties, "AuthenticationDetails", &auth)
			mustField(t, rec.Properties, "To", &to)
			directions[direction]++
			actions[action]++
			var authBag map[string]string
			if err := json.Unmarshal([]byte(auth), &authBag); err != nil || authBag["SPF"] == "" {
				t.Fatalf("AuthenticationDetails %q is not JSON text", auth)
			}
			var recipient string
			mustField(t, rec.Properties, "RecipientEmailAddress", &recipient)
			if len(to) != 1 || to[0] != recipient {
				t.Fatalf("To %v does not hold the recipient %s", to, recipient)
			}
		}
	}
	for _, d := range []string{"Inbound", "Outbound", "Intra-org"} {
		if directions[d] == 0 {
			t.Errorf("EmailDirection %s never generated: %v", d, directions)
		}
	}
	for _, a := range []string{"Delivered", "Junked", "Blocked"} {
		if actions[a] == 0 {
			t.Errorf("DeliveryAction %s never generated: %v", a, actions)
		}
	}
}
