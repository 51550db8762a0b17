package kernel

import (
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

func TestS2Cells(t *testing.T) {
	runScalarCases(t, []scalarCase{
		// Examples of the KQL reference pages.
		{"cell level 8", "geo_point_to_s2cell", args(R(10.1234), L(53), L(8)), S("47b1d")},
		{"cell level 8 east", "geo_point_to_s2cell", args(R(10.6842), L(53), L(8)), S("47ae3")},
		{"level too high", "geo_point_to_s2cell", args(L(1), L(1), L(35)), S("")},
		{"null level", "geo_point_to_s2cell", args(L(1), L(1), N(types.Int)), S("")},
		{"bad latitude", "geo_point_to_s2cell", args(L(1), L(91)), S("")},
		{"center", "geo_s2cell_to_central_point", args(S("1234567")),
			J(`{"type":"Point","coordinates":[9.868307318504081,27.468392925827608]}`)},
		{"polygon", "geo_s2cell_to_polygon", args(S("89c259")),
			J(`{"type":"Polygon","coordinates":[[[-74.03001224983846,40.8012684339439],[-74.03001224983846,40.7222262918358],` +
				`[-73.93598211433742,40.70888048980455],[-73.93598211433742,40.78791713450685],[-74.03001224983846,40.8012684339439]]]}`)},
		{"bad token", "geo_s2cell_to_central_point", args(S("zz")), J(`null`)},
		{"face 7", "geo_s2cell_to_polygon", args(S("f")), J(`null`)},
	})
}

func TestS2RoundTrip(t *testing.T) {
	for _, p := range []geoPoint{{-73.98, 40.75}, {139.69, 35.68}, {0, 0}, {-179.9, -89.9}, {10, 89.9}} {
		for _, level := range []int{0, 5, 11, 20, 30} {
			id := s2CellID(p, level)
			if got := s2Level(id); got != level {
				t.Fatalf("level of %x = %d, want %d", id, got, level)
			}
			back, ok := s2ParseToken(s2Token(id))
			if !ok || back != id {
				t.Fatalf("token %q of %x reads back as %x", s2Token(id), id, back)
			}
			// Decoding the id's leaf and going back up to the level gives the id again.
			face, i, j := s2FaceIJ(id)
			lsb := uint64(1) << (2 * uint(s2MaxLevel-level))
			if again := s2FromFaceIJ(face, i, j)&-lsb | lsb; again != id {
				t.Fatalf("%x decodes to face %d (%d, %d), which encodes to %x", id, face, i, j, again)
			}
		}
	}
}

func TestS2Neighbors(t *testing.T) {
	id, _ := s2ParseToken("89c259")
	got := map[string]bool{}
	for _, n := range s2Neighbors(id) {
		got[n.(string)] = true
	}
	// The reference's example lists these eight cells around 89c259 (in an order of its own).
	for _, want := range []string{"89c25d", "89c2f9", "89c251", "89c257", "89c25f", "89c25b", "89c2f7", "89c2f5"} {
		if !got[want] {
			t.Errorf("neighbours of 89c259 miss %s: %v", want, got)
		}
	}
	if len(got) != 8 {
		t.Errorf("%d neighbours, want 8", len(got))
	}
	// A face-0 cell at a cube corner has seven neighbours.
	lsb := uint64(1) << 40
	corner := s2FromFaceIJ(0, 0, 0)&-lsb | lsb
	if n := len(s2Neighbors(corner)); n != 7 {
		t.Errorf("corner cell has %d neighbours, want 7", n)
	}
}
