package kernel

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// ovArea is a polygon's area in steradians: shells add, holes take away.
func ovArea(p ovPolygon) float64 {
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

// overlayPoly is ovOverlay's polygon, failing the test when the overlay stops.
func overlayPoly(t *testing.T, a, b ovPolygon, intersection bool) ovPolygon {
	t.Helper()
	r, ok := ovOverlay(context.Background(), a, b, intersection)
	if !ok {
		t.Fatal("ovOverlay stopped without a done context")
	}
	return r.poly
}

// convexInteriorsOverlap reports whether two convex polygons share interior points, found without the
// overlay: the mean of one's vertices (inside a convex polygon) or one's vertex lies strictly inside the
// other, or two edges cross. Touching polygons (a shared side or corner) do not overlap.
func convexInteriorsOverlap(a, b ovPolygon) bool {
	strictlyIn := func(p ovPolygon, v vec3) bool { return p.contains(v) && !onBoundary(p, v) }
	for _, pair := range [][2]ovPolygon{{a, b}, {b, a}} {
		var sum vec3
		for _, v := range pair[0].loops[0] {
			sum = sum.add(v.v)
			if strictlyIn(pair[1], v.v) {
				return true
			}
		}
		if strictlyIn(pair[1], unit(sum)) {
			return true
		}
	}
	la, lb := a.loops[0], b.loops[0]
	for i := range la {
		for j := range lb {
			if _, ok := properCrossing(la[i].v, la[(i+1)%len(la)].v, lb[j].v, lb[(j+1)%len(lb)].v); ok {
				return true
			}
		}
	}
	return false
}

// overlayAreasError checks the areas of u = a∪b and x = a∩b and says what is wrong, or "": inclusion-exclusion,
// the intersection no larger than either operand and the union no smaller, and, when the interiors overlap,
// an intersection with area and a union smaller than the two operands together (a union that never merged,
// or an empty intersection, would pass inclusion-exclusion alone).
func overlayAreasError(a, b, u, x ovPolygon) string {
	au, ax, aa, ab := ovArea(u), ovArea(x), ovArea(a), ovArea(b)
	tol := 1e-9 * (aa + ab)
	switch {
	case math.Abs(au+ax-(aa+ab)) > tol:
		return fmt.Sprintf("area(A∪B)+area(A∩B) = %g, area(A)+area(B) = %g", au+ax, aa+ab)
	case ax > math.Min(aa, ab)+tol:
		return fmt.Sprintf("area(A∩B) = %g exceeds min(area(A), area(B)) = %g", ax, math.Min(aa, ab))
	case au < math.Max(aa, ab)-tol:
		return fmt.Sprintf("area(A∪B) = %g is below max(area(A), area(B)) = %g", au, math.Max(aa, ab))
	case convexInteriorsOverlap(a, b) && !(au < aa+ab-tol):
		return fmt.Sprintf("the operands overlap but area(A∪B) = %g is not below area(A)+area(B) = %g", au, aa+ab)
	case convexInteriorsOverlap(a, b) && !(ax > tol):
		return fmt.Sprintf("the operands overlap but area(A∩B) = %g", ax)
	}
	return ""
}

func checkOverlayAreas(t *testing.T, trial int, a, b, u, x ovPolygon) {
	t.Helper()
	if msg := overlayAreasError(a, b, u, x); msg != "" {
		t.Fatalf("trial %d: %s\nA=%v\nB=%v\nU=%v\nX=%v", trial, msg, a.loops, b.loops, u.loops, x.loops)
	}
}

// TestGeoOverlayInclusionExclusion checks the areas of unions and intersections of random convex polygons
// (checkOverlayAreas), and that the union holds both operands' vertices.
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
	overlapping := 0
	for trial := 0; trial < 200; trial++ {
		a := convex(rng.Float64()*2, rng.Float64()*2, 0.5+rng.Float64(), 3+rng.Intn(6))
		b := convex(rng.Float64()*2, rng.Float64()*2, 0.5+rng.Float64(), 3+rng.Intn(6))
		u := overlayPoly(t, a, b, false)
		x := overlayPoly(t, a, b, true)
		checkOverlayAreas(t, trial, a, b, u, x)
		if convexInteriorsOverlap(a, b) {
			overlapping++
		}
		for _, l := range append(append([]ovLoop{}, a.loops...), b.loops...) {
			for _, v := range l {
				if !u.contains(v.v) && !onBoundary(u, v.v) {
					t.Fatalf("trial %d: vertex %v of an operand is outside the union", trial, v.p)
				}
			}
		}
	}
	if overlapping < 100 {
		t.Fatalf("only %d of 200 trials overlap: the strict checks hardly ran", overlapping)
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

// TestGeoOverlayGridRectangles runs the same checks on rectangles with corners on an integer grid, whose
// sides along meridians and the equator overlap partly or fully, and which share corners.
func TestGeoOverlayGridRectangles(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	rect := func() ovPolygon {
		x0, y0 := float64(rng.Intn(3)), float64(rng.Intn(3))
		x1, y1 := x0+1+float64(rng.Intn(2)), y0+1+float64(rng.Intn(2))
		return ovPolygonFromRings([][]geoPoint{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}})
	}
	for trial := 0; trial < 300; trial++ {
		a, b := rect(), rect()
		u := overlayPoly(t, a, b, false)
		x := overlayPoly(t, a, b, true)
		checkOverlayAreas(t, trial, a, b, u, x)
	}
}

// TestGeoOverlayChecksRejectANonMergingUnion makes sure overlayAreasError catches what the inclusion-exclusion
// identity alone lets through: a "union" that returns both operands' loops unmerged, with an empty
// intersection; and that it accepts the real overlay of the same squares and of squares that only touch.
func TestGeoOverlayChecksRejectANonMergingUnion(t *testing.T) {
	a := ovPolygonFromRings([][]geoPoint{{{0, 0}, {2, 0}, {2, 2}, {0, 2}, {0, 0}}})
	b := ovPolygonFromRings([][]geoPoint{{{1, 1}, {3, 1}, {3, 3}, {1, 3}, {1, 1}}})
	unmerged := ovPolygon{loops: append(append([]ovLoop{}, a.loops...), b.loops...), depth: []int{0, 0}}
	if overlayAreasError(a, b, unmerged, ovPolygon{}) == "" {
		t.Error("an unmerged union with an empty intersection passes the checks")
	}
	if msg := overlayAreasError(a, b, overlayPoly(t, a, b, false), overlayPoly(t, a, b, true)); msg != "" {
		t.Errorf("overlapping squares: %s", msg)
	}
	touching := ovPolygonFromRings([][]geoPoint{{{2, 0}, {4, 0}, {4, 2}, {2, 2}, {2, 0}}})
	if convexInteriorsOverlap(a, touching) {
		t.Error("squares sharing a side seen as overlapping")
	}
	if msg := overlayAreasError(a, touching, overlayPoly(t, a, touching, false), overlayPoly(t, a, touching, true)); msg != "" {
		t.Errorf("touching squares: %s", msg)
	}
}
