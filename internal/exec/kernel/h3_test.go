package kernel

import (
	"math"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

func TestH3Cells(t *testing.T) {
	runScalarCases(t, []scalarCase{
		// Examples of the KQL reference pages, and the H3 library's own README example.
		{"point res 5 A", "geo_point_to_h3cell", args(R(-73.956683), R(40.807907), L(5)), S("852a100bfffffff")},
		{"point res 5 C", "geo_point_to_h3cell", args(R(-73.989148), R(40.743273), L(5)), S("852a1073fffffff")},
		{"point res 9 San Francisco", "geo_point_to_h3cell", args(R(-122.41795063018799), R(37.775938728915946), L(9)), S("8928308280fffff")},
		{"point res 0 is a base cell", "geo_point_to_h3cell", args(R(10.5), R(64.7), L(0)), S("8009fffffffffff")},
		{"longitude out of range", "geo_point_to_h3cell", args(L(300), L(1), L(8)), S("")},
		{"null resolution", "geo_point_to_h3cell", args(L(1), L(1), N(types.Int)), S("")},
		{"resolution 16", "geo_point_to_h3cell", args(L(1), L(1), L(16)), S("")},
		{"level", "geo_h3cell_level", args(S("862a1072fffffff")), I(6)},
		{"level of an invalid cell", "geo_h3cell_level", args(S("123")), N(types.Int)},
		{"parent", "geo_h3cell_parent", args(S("862a1072fffffff")), S("852a1073fffffff")},
		{"parent at res 2", "geo_h3cell_parent", args(S("862a1072fffffff"), L(2)), S("822a17fffffffff")},
		{"parent below the cell", "geo_h3cell_parent", args(S("862a1072fffffff"), L(7)), S("")},
		{"parent of an invalid cell", "geo_h3cell_parent", args(S("123")), S("")},
		{"children", "geo_h3cell_children", args(S("862a1072fffffff")),
			J(`["872a10728ffffff","872a10729ffffff","872a1072affffff","872a1072bffffff","872a1072cffffff","872a1072dffffff","872a1072effffff"]`)},
		{"pentagon children skip the k axis", "geo_h3cell_children", args(S("8009fffffffffff")),
			J(`["81083ffffffffff","8108bffffffffff","8108fffffffffff","81093ffffffffff","81097ffffffffff","8109bffffffffff"]`)},
		{"children more than 5 levels down", "geo_h3cell_children", args(S("892a1072fffffff"), L(15)), J(`null`)},
		{"children of an invalid cell", "geo_h3cell_children", args(S("abc")), J(`null`)},
		{"neighbors", "geo_h3cell_neighbors", args(S("862a1072fffffff")),
			J(`["862a10727ffffff","862a10707ffffff","862a1070fffffff","862a10777ffffff","862a100dfffffff","862a100d7ffffff"]`)},
		{"pentagon has five neighbors", "geo_h3cell_neighbors", args(S("81083ffffffffff")),
			J(`["8109bffffffffff","8108bffffffffff","8108fffffffffff","81097ffffffffff","81093ffffffffff"]`)},
		{"rings", "geo_h3cell_rings", args(S("861f8894fffffff"), L(2)),
			J(`[["861f8894fffffff"],["861f88947ffffff","861f8895fffffff","861f88867ffffff","861f8d497ffffff","861f8d4b7ffffff","861f8896fffffff"],` +
				`["861f88967ffffff","861f88977ffffff","861f88957ffffff","861f8882fffffff","861f88877ffffff","861f88847ffffff","861f8886fffffff",` +
				`"861f8d49fffffff","861f8d487ffffff","861f8d4a7ffffff","861f8d59fffffff","861f8d597ffffff"]]`)},
		{"rings distance too large", "geo_h3cell_rings", args(S("861f8894fffffff"), L(150)), J(`null`)},
		{"rings of an invalid cell", "geo_h3cell_rings", args(S("abc"), L(3)), J(`null`)},
		{"central point of an invalid cell", "geo_h3cell_to_central_point", args(S("1")), J(`null`)},
	})
}

// TestH3Geometry checks centres and outlines against the reference page's coordinates.
func TestH3Geometry(t *testing.T) {
	tests := []struct {
		name string
		cell string
		want []geoPoint
	}{
		{"central point", "862a1072fffffff", []geoPoint{{-74.016008479792447, 40.7041679083504}}},
		{"polygon", "862a1072fffffff", []geoPoint{{-74.0022744646159, 40.735376026215022}, {-74.046908029686236, 40.727986222489115},
			{-74.060610712223664, 40.696775140349033}, {-74.029724408156682, 40.672970047595463},
			{-73.985140983708192, 40.680349049267583}, {-73.971393761028622, 40.71154393543933}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, ok := h3Parse(tc.cell)
			if !ok {
				t.Fatalf("h3Parse(%q) failed", tc.cell)
			}
			got := []geoPoint{h3Center(h)}
			if len(tc.want) > 1 {
				got = h3Boundary(h)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d points %v, want %d", len(got), got, len(tc.want))
			}
			for i := range got {
				if math.Abs(got[i].lng-tc.want[i].lng) > 1e-9 || math.Abs(got[i].lat-tc.want[i].lat) > 1e-9 {
					t.Errorf("point %d = %v, want %v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

// TestH3RoundTrip checks, over points around the globe at every resolution, that a cell's centre falls in
// the cell, its parent holds it, its outline has 6 vertices (5 for a pentagon, more where a class III cell
// crosses an icosahedron edge), and, above resolution 1 (where a step is small against a face), it is among
// each of its neighbours' neighbours.
func TestH3RoundTrip(t *testing.T) {
	points := []geoPoint{{-73.98, 40.75}, {139.69, 35.68}, {0, 0}, {-179.9, -89.9}, {10, 89.9}, {10.5, 64.7}, {-150, -20}, {60, 10}}
	for _, p := range points {
		for res := 0; res <= h3MaxRes; res++ {
			h := h3FromGeo(p, res)
			if !h3Valid(h) || h3Res(h) != res {
				t.Fatalf("h3FromGeo(%v, %d) = %x, not a valid cell of that resolution", p, res, h)
			}
			if back := h3FromGeo(h3Center(h), res); back != h {
				t.Fatalf("centre of %x falls in %x", h, back)
			}
			// A child may stick out of its parent (aperture 7 does not nest exactly), so the parent is checked
			// through its children rather than through the point.
			if res > 0 {
				parent := h3Parent(h, res-1)
				found := false
				for _, c := range h3Children(parent, res) {
					found = found || c == h
				}
				if !h3Valid(parent) || !found {
					t.Fatalf("%x is not among the children of its parent %x", h, parent)
				}
			}
			pent := h3BaseCells[h3BaseCellOf(h)].pentagon && h3LeadingDigit(h) == 0
			n := len(h3Boundary(h))
			if (pent && n != 5 && n != 10) || (!pent && (n < 6 || n > 10)) {
				t.Fatalf("outline of %x has %d vertices", h, n)
			}
			for _, nb := range h3Rings(h, 1)[1] {
				if !h3Valid(nb) || nb == h {
					t.Fatalf("neighbour %x of %x is not a valid other cell", nb, h)
				}
				found := false
				for _, back := range h3Rings(nb, 1)[1] {
					found = found || back == h
				}
				if !found && res > 1 {
					t.Errorf("%x is a neighbour of %x but not the other way round", nb, h)
				}
			}
		}
	}
}

func TestH3PolygonCells(t *testing.T) {
	polygon := J(`{"type":"Polygon","coordinates":[[[-3.659,40.553],[-3.913,40.409],[-3.729,40.273],[-3.524,40.440],[-3.659,40.553]]]}`)
	// The reference page's cells (its order is H3's internal one; kqlhunt lists them in flood order).
	want := []string{"86390cb57ffffff", "86390cb0fffffff", "86390ca27ffffff", "86390cb87ffffff", "86390cb07ffffff", "86390ca2fffffff",
		"86390ca37ffffff", "86390cb17ffffff", "86390cb1fffffff", "86390cb8fffffff", "86390cba7ffffff", "86390ca07ffffff", "86390cbafffffff"}
	got, err := evalScalar(t, "geo_polygon_to_h3cells", polygon)
	if err != nil {
		t.Fatal(err)
	}
	cells, _ := got.D.([]any)
	gotSet := map[string]bool{}
	for _, c := range cells {
		s, _ := c.(string)
		gotSet[s] = true
	}
	if len(cells) != len(want) || len(gotSet) != len(want) {
		t.Fatalf("got %d cells %v, want %d", len(cells), cells, len(want))
	}
	for _, w := range want {
		if !gotSet[w] {
			t.Errorf("cell %s missing from %v", w, cells)
		}
	}
	runScalarCases(t, []scalarCase{
		{"invalid polygon", "geo_polygon_to_h3cells", args(J(`{"type":"Polygon","coordinates":[[[0,0],[1,1]]]}`)), J(`null`)},
		{"resolution 16", "geo_polygon_to_h3cells", args(polygon, L(16)), J(`null`)},
		{"too many cells", "geo_polygon_to_h3cells", args(polygon, L(12)), J(`null`)},
	})
	if _, err := evalScalar(t, "geo_polygon_to_h3cells", polygon, L(6), R(100)); err == nil || !strings.Contains(err.Error(), "buffer radius") {
		t.Errorf("a buffer radius gave error %v, want one naming the buffer radius", err)
	}
}
