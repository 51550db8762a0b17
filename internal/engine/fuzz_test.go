package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/source"
)

// FuzzRun runs arbitrary queries (seeded with the conformance queries and the evaluator tests): the engine may
// reject them, but a panic (reported as an internal error) is a failure.
func FuzzRun(f *testing.F) {
	for _, dir := range []string{"../../testdata/conformance/core", "../../testdata/conformance/docs"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.txtar"))
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				continue
			}
			text := string(data)
			start := strings.Index(text, "-- query.kql --\n")
			if start < 0 {
				continue
			}
			q := text[start+len("-- query.kql --\n"):]
			if end := strings.Index(q, "\n-- "); end >= 0 {
				q = q[:end]
			}
			f.Add(q)
		}
	}
	f.Add(`datatable(a:long, s:string)[1, "x", long(null), ""] | summarize count() by s | join kind=fullouter (print s = "x") on s`)
	for _, q := range newFeatureSeeds {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		hung, err := runBounded(func(ctx context.Context) error {
			_, err := Run(ctx, source.New("fuzz", q), Options{Now: testNow})
			return err
		}, fuzzDeadline, fuzzGrace)
		// A query must stop soon after its deadline: work that does not look at the context (one huge row)
		// would hang a server. The grace allows for a loaded machine.
		if hung {
			t.Fatalf("query %q still runs %v past a %v deadline", q, fuzzGrace, fuzzDeadline)
		}
		if err != nil && (strings.Contains(err.Error(), "internal error") || strings.HasPrefix(err.Error(), "panic: ")) {
			t.Fatalf("query %q: %v", q, err)
		}
	})
}

const (
	fuzzDeadline = 2 * time.Second  // the context deadline of a fuzzed query
	fuzzGrace    = 10 * time.Second // how long past it the query may take to stop
)

// runBounded calls run with a context that ends after deadline, on another goroutine, and waits for it at most
// grace longer: a run still going then is reported hung (and abandoned), whether or not it looks at the context.
// A panic in run is returned as an error starting "panic: ".
func runBounded(run func(ctx context.Context) error, deadline, grace time.Duration) (hung bool, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	done := make(chan error, 1) // never blocks: an abandoned run ends on its own
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Errorf("panic: %v", p)
			}
		}()
		done <- run(ctx)
	}()
	timer := time.NewTimer(deadline + grace)
	defer timer.Stop()
	select {
	case err = <-done:
		return false, err
	case <-timer.C:
		return true, nil
	}
}

// TestRunBounded checks the fuzzer's hang detection: a run that ignores its context is reported hung at its
// deadline plus the grace, not when (or if) it returns.
func TestRunBounded(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	tests := []struct {
		name     string
		run      func(ctx context.Context) error
		wantHung bool
		wantErr  string
	}{
		{name: "returns", run: func(context.Context) error { return nil }},
		{name: "stops at the deadline", run: func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }, wantErr: "deadline exceeded"},
		{name: "ignores the context", run: func(context.Context) error { <-release; return nil }, wantHung: true},
		{name: "panics", run: func(context.Context) error { panic("boom") }, wantErr: "panic: boom"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			hung, err := runBounded(tc.run, 20*time.Millisecond, 50*time.Millisecond)
			if hung != tc.wantHung {
				t.Fatalf("hung = %v, want %v", hung, tc.wantHung)
			}
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("err = %v, want %q", err, tc.wantErr)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

// newFeatureSeeds call the polygon overlay, buffer and simplify functions, the geo lookup plugins, buildschema,
// estimate_data_size, dcount_intersect, reduce, parse kind=relaxed, result naming and mixed-type equality with
// odd inputs: empty arrays, nulls, degenerate and self-intersecting polygons, huge radii, NaN coordinates,
// shapes across the antimeridian or around a pole.
var newFeatureSeeds = []string{
	`print geo_union_polygons_array(dynamic([])), geo_union_polygons_array(dynamic(null)), geo_union_polygons_array(dynamic([null, 1, "x", {}]))`,
	`print geo_union_polygons_array(dynamic([{"type":"Polygon","coordinates":[[[0,0],[0,0],[0,0],[0,0]]]}, {"type":"Polygon","coordinates":[[[170,10],[-170,10],[-170,-10],[170,-10],[170,10]]]}]))`,
	`print geo_union_polygons_array(dynamic([{"type":"Polygon","coordinates":[[[0,0],[10,10],[10,0],[0,10],[0,0]]]}, {"type":"MultiPolygon","coordinates":[[[[0,80],[120,80],[-120,80],[0,80]]],[[[5,5],[6,5],[6,6],[5,5]]]]}]))`,
	`print geo_intersection_2polygons(dynamic({"type":"Polygon","coordinates":[[[179,-1],[-179,-1],[-179,1],[179,1],[179,-1]]]}), dynamic({"type":"Polygon","coordinates":[[[180,-2],[-180,2],[180,2],[180,-2]]]}))`,
	`print geo_intersection_2polygons(dynamic({"type":"Polygon","coordinates":[[[0,89],[120,89],[-120,89],[0,89]]]}), geo_point_buffer(0, 90, 200000))`,
	`print geo_intersection_2polygons(dynamic({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}), dynamic({"type":"Polygon","coordinates":[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}))`,
	`print geo_intersection_2polygons(dynamic({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}), dynamic({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]})), geo_intersection_2polygons(dynamic(null), dynamic([]))`,
	`print geo_point_buffer(real(nan), 0, 10), geo_point_buffer(0, real(+inf), 10), geo_point_buffer(0, 0, 1e300), geo_point_buffer(0, 0, 20015000, 1e-300), geo_point_buffer(180, 90, 1e-9, 1e-9), geo_point_buffer(0, 0, -1)`,
	`print geo_line_buffer(dynamic({"type":"LineString","coordinates":[[0,0],[0,0]]}), 10), geo_line_buffer(dynamic({"type":"LineString","coordinates":[[-179.9,0],[179.9,0]]}), 1e7, 1e7), geo_line_buffer(dynamic({"type":"MultiLineString","coordinates":[]}), 5)`,
	`print geo_polygon_buffer(dynamic({"type":"Polygon","coordinates":[[[0,0],[10,10],[10,0],[0,10],[0,0]]]}), 100000), geo_polygon_buffer(dynamic({"type":"Polygon","coordinates":[[[0,89.9],[120,89.9],[-120,89.9],[0,89.9]]]}), 1e6, 0.001)`,
	`print geo_polygon_simplify(dynamic({"type":"Polygon","coordinates":[[[0,0],[1e-12,0],[0,1e-12],[0,0]]]}), 0), geo_line_simplify(dynamic({"type":"LineString","coordinates":[[0,0],[180,0],[0,0]]}), -1), geo_simplify_polygons_array(dynamic([[], {"type":"Polygon"}]), 10)`,
	`print geo_simplify_polygons_array(dynamic([{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]],[[0.2,0.2],[0.8,0.2],[0.8,0.8],[0.2,0.8],[0.2,0.2]]]}, {"type":"Polygon","coordinates":[[[0.5,0.5],[0.6,0.5],[0.6,0.6],[0.5,0.5]]]}]), real(nan))`,
	`let P = datatable(name:string, shape:dynamic)["a", dynamic({"type":"Polygon","coordinates":[[[179,-1],[-179,-1],[-179,1],[179,1],[179,-1]]]}), "bad", dynamic(null), "b", dynamic({"type":"MultiPolygon","coordinates":[]}), "c", dynamic({"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]})]; datatable(lng:real, lat:real)[180, 0, real(nan), 0, 0.5, 0.5, -200, 100] | evaluate geo_polygon_lookup(P, shape, lng, lat, return_unmatched = true, return_lookup_key = true)`,
	`let L = datatable(name:string, line:dynamic)["a", dynamic({"type":"LineString","coordinates":[[-179,0],[179,0]]}), "b", dynamic({"type":"LineString","coordinates":[[0,0]]}), "c", dynamic("x")]; datatable(lng:real, lat:real)[180, 0, 0, 90, real(null), 1] | evaluate geo_line_lookup(L, line, lng, lat, 1e9, return_unmatched = true)`,
	`let L = datatable(name:string, line:dynamic)[]; print lng=0.0, lat=0.0 | evaluate geo_line_lookup(L, line, lng, lat, -1)`,
	`datatable(d:dynamic)[dynamic(null), dynamic([]), dynamic({}), dynamic([1,"a",{"x":[null]}]), dynamic({"a":{"b":{"c":[1,2.5,true,"s"]}}}), dynamic(1e308)] | summarize buildschema(d), estimate_data_size(d), b2=buildschema(d) by tostring(d)`,
	`print estimate_data_size(""), estimate_data_size(dynamic(null)), estimate_data_size(real(nan), long(null), guid(null), 1d, 1s, strrep("é", 1000))`,
	`range x from 1 to 20 step 1 | summarize a = hll(x, 0), b = hll(x * 2, 4), c = hll(int(null)), d = hll("") | evaluate dcount_intersect(a, b, c, d)`,
	`print a = dynamic(null), b = dynamic([1]) | evaluate dcount_intersect(a, b)`,
	`datatable(s:string)["", " ", "a", "a b", "\u00e9\u00e9 b", "***", "x*y", "1 2 3 4 5 6 7 8 9"] | reduce by s with threshold=0.0, characters=""`,
	`print s=strrep(" ", 100) | reduce by s with threshold=1.5, characters="* "`,
	`datatable(s:string)["n=1, m=x", "n=, m=", "n=99999999999999999999, m=1e400", "", "n=1"] | parse kind=relaxed s with "n=" n:long ", m=" m:real * | parse kind=relaxed s with * "=" d:datetime "," t:timespan | project n, m, d, t`,
	`print s="a=true;b=\u00ff;c=2026-13-45" | parse kind=relaxed s with "a=" a:bool ";b=" b:guid ";c=" c:datetime | extend parse_json(s)[0], tostring(pack_array(s))`,
	`print x = 1 == "1", y = 1.0 != "1", z = datetime(2026-01-01) == "2026-01-01", w = true == "true", g = guid(null) != "", d = dynamic(1) == "1", t = 1s == 1`,
	`datatable(a:long, s:string, d:dynamic)[1, "1", dynamic(1), long(null), "", dynamic(null)] | where a == s or d != a or s == d | summarize count(), make_set(a), tostring(make_list(s)) by bin(Hour = a, 1)`,
}
