// Package gen writes synthetic Defender XDR data in the layout the Streaming API uses for a storage account,
// so that rules can be run and tested without a tenant.
package gen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Options says what to generate.
type Options struct {
	Table string    // Defender table name, e.g. UrlClickEvents
	Days  int       // number of days, ending with End
	Rows  int       // total number of rows
	Seed  int64     // same seed, same bytes
	End   time.Time // the last day generated (its date in UTC is used)
	Out   string    // output folder; the container folder is created inside it
}

// Limits on what one run generates: rows are built in memory before they are written.
const (
	MaxDays = 3660
	MaxRows = 5_000_000
)

// Summary says what was written.
type Summary struct {
	Files     int
	Rows      int
	Container string         // path of the container folder
	PerDay    map[string]int // rows per event day (YYYY-MM-DD, UTC)
}

// Property is one column of a generated row; rows keep their columns in this order when written.
type Property struct {
	Key   string
	Value any // string, bool, int64, float64, nil, or []any / map for JSON columns that are real JSON
}

// TableGenerator makes the rows of one Defender table. Adding a table means adding one implementation
// and registering it in generators.
type TableGenerator interface {
	// Table is the Defender table name (UrlClickEvents).
	Table() string
	// Row returns the properties of one event at ts. The world holds entities shared across tables.
	Row(r *rand.Rand, w *World, ts time.Time, day DayTraits) []Property
	// DayTraits picks per-day traits (such as a phishing campaign) once per day, before that day's rows.
	DayTraits(r *rand.Rand, day time.Time) DayTraits
}

// DayTraits are one day's traits, picked by TableGenerator.DayTraits before that day's rows.
type DayTraits struct {
	// ThreatBoost multiplies the share of malicious events on that day (1 = normal).
	ThreatBoost float64
	// Campaign is the malicious domain that day's campaign uses ("" when none).
	Campaign string
}

var generators = map[string]TableGenerator{}

// layoutWriter is implemented by generators that write their own layout (Log Analytics tables as JSON lines)
// instead of the Streaming API storage layout; it returns the files written and the container or file path.
type layoutWriter interface {
	writeLayout(ctx context.Context, r *rand.Rand, out string, w *World, events []event) (int, string, error)
}

func register(g TableGenerator) { generators[strings.ToLower(g.Table())] = g }

// Tables returns the names of the tables gen can write, sorted.
func Tables() []string {
	names := make([]string, 0, len(generators))
	for _, g := range generators {
		names = append(names, g.Table())
	}
	sort.Strings(names)
	return names
}

// event is one generated row before it is written.
type event struct {
	ts    time.Time
	props []Property
}

// Generate writes the data set described by opts and returns what it wrote.
func Generate(ctx context.Context, opts Options) (*Summary, error) {
	g, ok := generators[strings.ToLower(opts.Table)]
	if !ok {
		return nil, fmt.Errorf("gen: unknown table %q (known: %s)", opts.Table, strings.Join(Tables(), ", "))
	}
	if opts.Days < 1 || opts.Days > MaxDays {
		return nil, fmt.Errorf("gen: --days must be between 1 and %d, got %d", MaxDays, opts.Days)
	}
	if opts.Rows < 0 || opts.Rows > MaxRows {
		return nil, fmt.Errorf("gen: --rows must be between 0 and %d, got %d", MaxRows, opts.Rows)
	}
	if opts.Out == "" {
		return nil, fmt.Errorf("gen: no output folder")
	}
	end := opts.End.UTC()
	lastDay := time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, time.UTC)
	firstDay := lastDay.AddDate(0, 0, -(opts.Days - 1))
	if firstDay.Year() < 1601 || lastDay.Year() > 9998 {
		return nil, fmt.Errorf("gen: the days generated must fall between the years 1601 and 9998, not %s to %s",
			firstDay.Format("2006-01-02"), lastDay.Format("2006-01-02"))
	}

	r := rand.New(rand.NewPCG(uint64(opts.Seed), 0x6b716c68756e74)) // second word: "kqlhunt"
	world := newWorld(r)
	events, err := makeEvents(ctx, r, g, world, firstDay, opts.Days, opts.Rows)
	if err != nil {
		return nil, err
	}

	var files int
	var container string
	if lw, ok := g.(layoutWriter); ok {
		files, container, err = lw.writeLayout(ctx, r, opts.Out, world, events)
	} else {
		container = filepath.Join(opts.Out, "insights-logs-advancedhunting-"+strings.ToLower(g.Table()))
		files, err = writeStorageLayout(ctx, r, container, world.TenantID, g.Table(), events)
	}
	if err != nil {
		return nil, err
	}
	sum := &Summary{Container: container, PerDay: map[string]int{}}
	sum.Files = files
	sum.Rows = len(events)
	for _, e := range events {
		sum.PerDay[e.ts.Format("2006-01-02")]++
	}
	return sum, nil
}

// makeEvents spreads rows over the hours of the period by weight (working hours, quieter weekends)
// and builds each row. Events come back sorted by time.
func makeEvents(ctx context.Context, r *rand.Rand, g TableGenerator, w *World, firstDay time.Time, days, rows int) ([]event, error) {
	hours := days * 24
	weights := make([]float64, hours)
	// Each day gets a little noise of its own so the series is not a perfect square wave.
	total := 0.0
	for d := 0; d < days; d++ {
		day := firstDay.AddDate(0, 0, d)
		dayFactor := 0.85 + 0.3*r.Float64()
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			dayFactor *= 0.22
		}
		for h := 0; h < 24; h++ {
			weights[d*24+h] = dayFactor * hourWeight[h]
			total += weights[d*24+h]
		}
	}
	cumulative := make([]float64, hours)
	acc := 0.0
	for i, wt := range weights {
		acc += wt / total
		cumulative[i] = acc
	}
	profiles := make([]DayTraits, days)
	for d := range profiles {
		profiles[d] = g.DayTraits(r, firstDay.AddDate(0, 0, d))
	}
	events := make([]event, 0, rows)
	for i := 0; i < rows; i++ {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		slot := sort.SearchFloat64s(cumulative, r.Float64())
		if slot >= hours {
			slot = hours - 1
		}
		ticks := r.Int64N(int64(time.Hour / 100)) // 100 ns resolution, as Defender's timestamps
		ts := firstDay.Add(time.Duration(slot)*time.Hour + time.Duration(ticks)*100)
		events = append(events, event{ts: ts})
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].ts.Before(events[j].ts) })
	// Rows are built in time order so that a seed gives the same rows whatever the sampling order was.
	for i := range events {
		d := int(events[i].ts.Sub(firstDay) / (24 * time.Hour))
		events[i].props = g.Row(r, w, events[i].ts, profiles[d])
	}
	return events, nil
}

// hourWeight is the relative activity of each UTC hour of a working day: a morning peak, a lunch dip,
// an afternoon peak, and little at night.
var hourWeight = [24]float64{
	0.05, 0.04, 0.03, 0.03, 0.04, 0.08, 0.20, 0.55, 1.00, 1.30, 1.25, 1.10,
	0.80, 1.05, 1.20, 1.15, 0.95, 0.65, 0.40, 0.30, 0.22, 0.15, 0.10, 0.07,
}

// writeStorageLayout writes events as Streaming API records, one per line with CRLF, into
// tenantId=<id>/y=YYYY/m=MM/d=DD/h=HH/m=00/PT1H.json by export time (as the service does).
func writeStorageLayout(ctx context.Context, r *rand.Rand, container, tenantID, table string, events []event) (int, error) {
	type blob struct {
		path string
		buf  bytes.Buffer
	}
	blobs := map[string]*blob{}
	var order []string
	for _, e := range events {
		exported := e.ts.Add(time.Minute + time.Duration(r.Int64N(int64(2*time.Minute/100)))*100)
		rel := filepath.Join("tenantId="+tenantID, exported.Format("y=2006"), exported.Format("m=01"),
			exported.Format("d=02"), exported.Format("h=15"), "m=00", "PT1H.json")
		b, ok := blobs[rel]
		if !ok {
			b = &blob{path: rel}
			blobs[rel] = b
			order = append(order, rel)
		}
		if err := writeRecord(&b.buf, r, tenantID, table, e, exported); err != nil {
			return 0, err
		}
	}
	for _, rel := range order {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		p := filepath.Join(container, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return 0, err
		}
		if err := os.WriteFile(p, blobs[rel].buf.Bytes(), 0o644); err != nil {
			return 0, err
		}
	}
	return len(order), nil
}

// writeRecord appends one RECORD line in the shape the Streaming API writes.
func writeRecord(buf *bytes.Buffer, r *rand.Rand, tenantID, table string, e event, exported time.Time) error {
	received := formatTicks(e.ts, 7)
	if r.IntN(8) == 0 {
		received = strings.TrimSuffix(received, "Z") // the service sometimes drops the zone
	}
	envelope := []Property{
		{"time", formatTicks(exported, 7)},
		{"tenantId", tenantID},
		{"operationName", "Publish"},
		{"category", "AdvancedHunting-" + table},
		{"_TimeReceivedBySvc", received},
		{"properties", e.props},
		{"Tenant", "DefaultTenant"},
	}
	if err := writeObject(buf, envelope); err != nil {
		return err
	}
	buf.WriteString("\r\n")
	return nil
}

// writeObject writes props as a JSON object in their order; nested []Property values become objects.
func writeObject(buf *bytes.Buffer, props []Property) error {
	buf.WriteByte('{')
	for i, p := range props {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := writeJSONValue(buf, p.Key); err != nil {
			return err
		}
		buf.WriteByte(':')
		if nested, ok := p.Value.([]Property); ok {
			if err := writeObject(buf, nested); err != nil {
				return err
			}
			continue
		}
		if err := writeJSONValue(buf, p.Value); err != nil {
			return err
		}
	}
	buf.WriteByte('}')
	return nil
}

// writeJSONValue writes v without HTML escaping (URLs keep their '&', as exports do).
func writeJSONValue(buf *bytes.Buffer, v any) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1) // Encode ends with '\n'
	return nil
}

// formatTicks prints t as ISO 8601 UTC with digits fractional digits (0 to 7), dropping none of them.
func formatTicks(t time.Time, digits int) string {
	s := t.UTC().Format("2006-01-02T15:04:05")
	if digits > 0 {
		frac := fmt.Sprintf("%07d", t.Nanosecond()/100)
		s += "." + frac[:digits]
	}
	return s + "Z"
}

// jsonText marshals v to compact JSON text, for the columns that hold JSON as a string.
func jsonText(v any) string {
	var buf bytes.Buffer
	if err := writeJSONValue(&buf, v); err != nil {
		return ""
	}
	return buf.String()
}
