package kernel

import "testing"

func TestSeriesFit2Lines(t *testing.T) {
	runScalarCases(t, []scalarCase{
		// Up by 1 for five points, then down by 2: the split is at index 5, both sides fit exactly.
		{"exact break", "series_fit_2lines_dynamic", args(J(`[1,2,3,4,5,10,8,6,4,2]`)),
			J(`{"rsquare":1,"split_idx":5,"variance":8.055555555555555,"rvariance":0,"line_fit":[1,2,3,4,5,10,8,6,4,2],` +
				`"right":{"rsquare":1,"slope":-2,"interception":12,"variance":10,"rvariance":0},` +
				`"left":{"rsquare":1,"slope":1,"interception":0,"variance":2.5,"rvariance":0}}`)},
		{"too short", "series_fit_2lines_dynamic", args(J(`[1,2,3]`)), J(`null`)},
		{"not numbers", "series_fit_2lines_dynamic", args(J(`[1,"a",3,4]`)), J(`null`)},
	})
}
