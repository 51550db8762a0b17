package kernel

import (
	"context"
	"errors"
	"math"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// TestGeoMeasuresOfDisjointMembers checks that the area, perimeter and centroid of a MultiPolygon whose members
// are far apart are those of the members together, without an overlay: two rings of 140,000 vertices each
// (more than ovMaxVertices together) gave null after ~0.6 s.
func TestGeoMeasuresOfDisjointMembers(t *testing.T) {
	const n = 140000
	west, east := circleRing(0, 0, 1, n), circleRing(10, 0, 1, n)
	multi := J(`{"type":"MultiPolygon","coordinates":[[` + west + `],[` + east + `]]}`)
	one := func(ring string) types.Value { return J(`{"type":"Polygon","coordinates":[` + ring + `]}`) }
	real := func(fn string, v types.Value) float64 {
		t.Helper()
		got, err := evalScalar(t, fn, v)
		if err != nil || got.Null {
			t.Fatalf("%s: %s, %v", fn, show(got), err)
		}
		return got.F
	}
	for _, fn := range []string{"geo_polygon_area", "geo_polygon_perimeter"} {
		want := real(fn, one(west)) + real(fn, one(east))
		if got := real(fn, multi); math.Abs(got-want) > 1e-12*want {
			t.Errorf("%s of two separate members = %.6f, want the sum of theirs %.6f", fn, got, want)
		}
	}
	centroid := func(v types.Value) (lng, lat float64) {
		t.Helper()
		got, err := evalScalar(t, "geo_polygon_centroid", v)
		if err != nil || got.Null {
			t.Fatalf("geo_polygon_centroid: %s, %v", show(got), err)
		}
		cv, _ := got.D.(*types.Bag).Get("coordinates")
		coords := cv.([]any)
		return coords[0].(float64), coords[1].(float64)
	}
	// two equal circles on the equator, 10 degrees apart: the centroid of both is midway between theirs
	wLng, _ := centroid(one(west))
	eLng, _ := centroid(one(east))
	if lng, lat := centroid(multi); math.Abs(lng-(wLng+eLng)/2) > 1e-9 || math.Abs(lat) > 1e-9 {
		t.Errorf("centroid of two equal separate circles = [%g, %g], want [%g, 0]", lng, lat, (wLng+eLng)/2)
	}
}

// TestGeoBoundingCapHoldsTheRegion checks the caps that decide which members are united: a ring around the
// pole holds the pole in its cap though no vertex is near it, members inside another member's region meet it,
// and members far apart do not.
func TestGeoBoundingCapHoldsTheRegion(t *testing.T) {
	ring := func(lng, lat, r float64, n int) []geoPoint {
		out := make([]geoPoint, 0, n+1)
		for k := range n + 1 {
			a := 2 * math.Pi * float64(k%n) / float64(n)
			out = append(out, geoPoint{lng + r*math.Cos(a), lat + r*math.Sin(a)})
		}
		return out
	}
	polar := make([]geoPoint, 0, 361)
	for lng := -180.0; lng <= 180; lng++ {
		polar = append(polar, geoPoint{lng, 80})
	}
	c := boundingCap(polar)
	if c.unbounded || c.center.angleTo(toVec(geoPoint{0, 90})) > c.radius {
		t.Errorf("the cap of a ring at latitude 80 does not hold the pole: %+v", c)
	}
	if !c.meets(boundingCap(ring(0, 89, 0.1, 8))) {
		t.Error("a member near the pole inside the polar ring does not meet it")
	}
	big, small, far := boundingCap(ring(0, 0, 10, 64)), boundingCap(ring(1, 1, 0.5, 8)), boundingCap(ring(40, 0, 1, 8))
	if !big.meets(small) || !small.meets(big) {
		t.Error("a member inside another does not meet it")
	}
	if big.meets(far) {
		t.Error("members 40 degrees apart meet")
	}
}

// countdownContext is a context that reports itself cancelled once Err has been asked left times: a
// deterministic cancellation in the middle of a long computation.
type countdownContext struct {
	context.Context
	left atomic.Int64
}

func (c *countdownContext) Err() error {
	if c.left.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// TestGeoMeasuresAndIntersectionCancelled checks that the overlays behind the area, perimeter and centroid of
// a MultiPolygon of overlapping members and behind geo_intersection_2polygons stop when the query is cancelled
// while they run, instead of finishing under context.Background() (the measures) or never looking at the
// context inside an overlay (the intersection): cancelled after a few looks at the context, each returns the
// context's error in well under half the time the whole computation takes.
func TestGeoMeasuresAndIntersectionCancelled(t *testing.T) {
	a, b := circleRing(0, 0, 1, 60000), circleRing(0.5, 0, 1, 60000)
	multi := J(`{"type":"MultiPolygon","coordinates":[[` + a + `],[` + b + `]]}`)
	pa, pb := J(`{"type":"Polygon","coordinates":[`+a+`]}`), J(`{"type":"Polygon","coordinates":[`+b+`]}`)
	tests := []struct {
		fn   string
		args []types.Value
	}{
		{"geo_polygon_area", args(multi)},
		{"geo_polygon_perimeter", args(multi)},
		{"geo_polygon_centroid", args(multi)},
		{"geo_intersection_2polygons", args(pa, pb)},
	}
	for _, tc := range tests {
		t.Run(tc.fn, func(t *testing.T) {
			start := time.Now()
			if got, err := evalScalar(t, tc.fn, tc.args...); err != nil || got.Null {
				t.Fatalf("%s: %s, %v; want a value", tc.fn, show(got), err)
			}
			whole := time.Since(start)
			s, _ := LookupScalar(tc.fn)
			as := make([]Arg, len(tc.args))
			for i, v := range tc.args {
				as[i] = constArg(v)
			}
			ctx := &countdownContext{Context: context.Background()}
			ctx.left.Store(8) // the row loop's look, then a few inside the union or the overlay's edge sweep
			start = time.Now()
			_, err := s.Eval(&Context{Ctx: ctx}, as, 1)
			took := time.Since(start)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("%s cancelled while it runs: error %v, want %v", tc.fn, err, context.Canceled)
			}
			if took > whole/2 {
				t.Errorf("%s cancelled while it runs took %v, the whole computation %v: it did not stop", tc.fn, took, whole)
			}
		})
	}
}
