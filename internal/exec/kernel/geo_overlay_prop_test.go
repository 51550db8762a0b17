package kernel

import (
	"context"
	"math"
	"math/rand"
	"testing"
)

// TestGeoOverlayInclusionExclusion checks on random convex polygons that area(A∪B) + area(A∩B) equals
// area(A) + area(B), and that the union holds both operands' vertices.
func TestGeoOverlayInclusionExclusion(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	convex := func(cx, cy, r float64, n int) ovPolygon {
		angles := make([]float64, n)
		for i := range angles {
			angles[i] = 2 * math.Pi * (float64(i) + 0.8*rng.Float64()) / float64(n)
		}
		ring := make([]geoPoint, 0, n+1)
		for _, a := range angles {
			ring = append(ring, geoPoint{cx + r*math.Cos(a), cy + r*math.Sin(a)})
		}
		ring = append(ring, ring[0])
		return ovPolygonFromRings([][]geoPoint{ring})
	}
	area := func(p ovPolygon) float64 {
		total := 0.0
		for i, l := range p.loops {
			a := math.Abs(loopArea(l))
			if p.depth[i]%2 == 1 {
				a = -a
			}
			total += a
		}
		return total
	}
	for trial := 0; trial < 200; trial++ {
		a := convex(rng.Float64()*2, rng.Float64()*2, 0.5+rng.Float64(), 3+rng.Intn(6))
		b := convex(rng.Float64()*2, rng.Float64()*2, 0.5+rng.Float64(), 3+rng.Intn(6))
		u := overlayPoly(t, a, b, false)
		x := overlayPoly(t, a, b, true)
		lhs, rhs := area(u)+area(x), area(a)+area(b)
		if math.Abs(lhs-rhs) > 1e-9*rhs {
			t.Fatalf("trial %d: area(A∪B)+area(A∩B) = %g, area(A)+area(B) = %g\nA=%v\nB=%v", trial, lhs, rhs, a.loops, b.loops)
		}
		for _, l := range append(append([]ovLoop{}, a.loops...), b.loops...) {
			for _, v := range l {
				if !u.contains(v.v) && !onBoundary(u, v.v) {
					t.Fatalf("trial %d: vertex %v of an operand is outside the union", trial, v.p)
				}
			}
		}
	}
}

func onBoundary(p ovPolygon, v vec3) bool {
	for _, l := range p.loops {
		for i := range l {
			a, b := l[i].v, l[(i+1)%len(l)].v
			if a.angleTo(v) < 1e-9 || onArcInterior(v, a, b) {
				return true
			}
		}
	}
	return false
}

// TestGeoOverlayGridRectangles runs the same check on rectangles with corners on an integer grid, whose
// sides along meridians and the equator overlap partly or fully, and which share corners.
func TestGeoOverlayGridRectangles(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	rect := func() ovPolygon {
		x0, y0 := float64(rng.Intn(3)), float64(rng.Intn(3))
		x1, y1 := x0+1+float64(rng.Intn(2)), y0+1+float64(rng.Intn(2))
		return ovPolygonFromRings([][]geoPoint{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}})
	}
	area := func(p ovPolygon) float64 {
		total := 0.0
		for i, l := range p.loops {
			a := math.Abs(loopArea(l))
			if p.depth[i]%2 == 1 {
				a = -a
			}
			total += a
		}
		return total
	}
	for trial := 0; trial < 300; trial++ {
		a, b := rect(), rect()
		u := overlayPoly(t, a, b, false)
		x := overlayPoly(t, a, b, true)
		lhs, rhs := area(u)+area(x), area(a)+area(b)
		if math.Abs(lhs-rhs) > 1e-9*rhs {
			t.Fatalf("trial %d: area(A∪B)+area(A∩B) = %g, area(A)+area(B) = %g\nA=%v\nB=%v\nU=%v\nX=%v", trial, lhs, rhs, a.loops, b.loops, u.loops, x.loops)
		}
	}
}

// overlayPoly is ovOverlay's polygon, failing the test when the overlay stops.
func overlayPoly(t *testing.T, a, b ovPolygon, intersection bool) ovPolygon {
	t.Helper()
	r, ok := ovOverlay(context.Background(), a, b, intersection)
	if !ok {
		t.Fatal("ovOverlay stopped without a done context")
	}
	return r.poly
}
