package gen

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Every built-in table without a hand-written generator gets one driven by its documented schema, so that
// `gen --table T` works for every table the catalog knows.
func init() {
	for _, name := range catalog.KnownTables() {
		if _, ok := generators[strings.ToLower(name)]; ok {
			continue
		}
		fields, _ := catalog.KnownSchema(name)
		register(newSchemaTable(name, fields))
	}
}

// schemaTable generates rows for a built-in table from its column names and types. Defender XDR tables (those
// with a Timestamp column) are written in the Streaming API storage layout with their documented columns;
// Log Analytics tables are written as <Table>.json lines carrying every column, Sentinel's included.
type schemaTable struct {
	name      string
	fields    []types.Field
	defender  bool
	documents map[string]bool // documented column names (without the Sentinel additions)
}

func newSchemaTable(name string, fields []types.Field) *schemaTable {
	s := &schemaTable{name: name, fields: fields, documents: map[string]bool{}}
	for _, f := range fields {
		if f.Name == "Timestamp" && f.Type == types.DateTime {
			s.defender = true
		}
	}
	if s.defender && !documentsSentinelColumns[name] {
		// Sentinel's columns are added by Sentinel, not by the Streaming API: leave them out (ingest derives
		// TimeGenerated from Timestamp and Type from the table name).
		added := map[string]bool{}
		for _, c := range catalog.SentinelColumns {
			added[c.Name] = true
		}
		kept := make([]types.Field, 0, len(fields))
		for _, f := range fields {
			if !added[f.Name] {
				kept = append(kept, f)
			}
		}
		s.fields = kept
	}
	for _, f := range s.fields {
		s.documents[f.Name] = true
	}
	return s
}

// documentsSentinelColumns names the Defender tables whose documentation lists TenantId, SourceSystem or Type
// as columns of their own (IdentityInfo's Type is the kind of identity, not the table name).
var documentsSentinelColumns = map[string]bool{"IdentityInfo": true, "IdentityAccountInfo": true}

func (s *schemaTable) Table() string { return s.name }

// DayTraits gives about one day in eight an attack, on which the suspicious values are several times commoner.
func (s *schemaTable) DayTraits(r *rand.Rand, day time.Time) DayTraits {
	if r.IntN(8) == 0 {
		return DayTraits{ThreatBoost: 4, Campaign: "login-" + slug(r, 6) + ".example.net"}
	}
	return DayTraits{ThreatBoost: 1}
}

// Row builds one row: a context of related entities (user, device, processes, addresses) is drawn first,
// then every column takes the value its name and type call for.
func (s *schemaTable) Row(r *rand.Rand, w *World, ts time.Time, day DayTraits) []Property {
	c := newRowContext(r, w, s.name, ts, day)
	props := make([]Property, 0, len(s.fields))
	for _, f := range s.fields {
		props = append(props, Property{Key: f.Name, Value: c.value(f)})
	}
	return props
}

// writeLayout writes a Log Analytics table as JSON lines, <out>/<Table>.json, one object per row with every
// column; Defender tables go through the Streaming API layout. It returns the files written and the path
// reported as the container.
func (s *schemaTable) writeLayout(ctx context.Context, r *rand.Rand, out string, w *World, events []event) (int, string, error) {
	if s.defender {
		container := filepath.Join(out, "insights-logs-advancedhunting-"+strings.ToLower(s.name))
		n, err := writeStorageLayout(ctx, r, container, w.TenantID, s.name, events)
		return n, container, err
	}
	var buf bytes.Buffer
	for i, e := range events {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, "", err
			}
		}
		if err := writeObject(&buf, e.props); err != nil {
			return 0, "", err
		}
		buf.WriteByte('\n')
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return 0, "", err
	}
	p := filepath.Join(out, s.name+".json")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		return 0, "", err
	}
	return 1, p, nil
}
