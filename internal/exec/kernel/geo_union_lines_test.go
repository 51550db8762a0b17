package kernel

import "testing"

func TestGeoUnionLinesArray(t *testing.T) {
	a := `{"type":"LineString","coordinates":[[-73.95683884620665,40.80502891480884],[-73.95633727312088,40.8057171711177],[-73.95489156246185,40.80510200431311]]}`
	b := `{"type":"LineString","coordinates":[[-73.95633727312088,40.8057171711177],[-73.95489156246185,40.80510200431311],[-73.95537436008453,40.804413741624515]]}`
	c := `{"type":"LineString","coordinates":[[-73.95633727312088,40.8057171711177],[-73.95489156246185,40.80510200431311]]}`
	want := J(`{"type":"LineString","coordinates":[[-73.95683884620665,40.80502891480884],[-73.95633727312088,40.8057171711177],` +
		`[-73.95489156246185,40.80510200431311],[-73.95537436008453,40.804413741624515]]}`)
	runScalarCases(t, []scalarCase{
		// Examples of the reference page.
		{"three lines sharing edges", "geo_union_lines_array", args(J(`[` + a + `,` + b + `,` + c + `]`)), want},
		{"two lines sharing edges", "geo_union_lines_array", args(J(`[` + a + `,` + b + `]`)), want},
		{"invalid line", "geo_union_lines_array", args(J(`[` + a + `,{"type":"LineString","coordinates":[[1,1]]}]`)), J(`null`)},
		{"partial overlap along a meridian", "geo_union_lines_array",
			args(J(`[{"type":"LineString","coordinates":[[0,0],[0,4]]},{"type":"LineString","coordinates":[[0,2],[0,6]]}]`)),
			J(`{"type":"LineString","coordinates":[[0,0],[0,2],[0,4],[0,6]]}`)},
		{"disjoint lines", "geo_union_lines_array",
			args(J(`[{"type":"LineString","coordinates":[[0,0],[1,1]]},{"type":"LineString","coordinates":[[5,5],[6,6]]}]`)),
			J(`{"type":"MultiLineString","coordinates":[[[0,0],[1,1]],[[5,5],[6,6]]]}`)},
		{"not an array", "geo_union_lines_array", args(J(a)), J(`null`)},
	})
}
