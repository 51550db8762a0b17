package kernel

import (
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

func TestSeriesFunctions(t *testing.T) {
	cases := []scalarCase{
		{"fill_const", "series_fill_const", args(J(`[111,null,36,null]`), R(0)), J(`[111,0,36,0]`)},
		{"fill_const placeholder", "series_fill_const", args(J(`[1,-1,3]`), L(0), L(-1)), J(`[1,0,3]`)},
		{"fill_forward", "series_fill_forward", args(J(`[null,1,null,null,4,null]`)), J(`[null,1,1,1,4,4]`)},
		{"fill_backward", "series_fill_backward", args(J(`[null,1,null,null,4,null]`)), J(`[1,1,4,4,4,null]`)},
		{"fill_linear", "series_fill_linear", args(J(`[null,1,null,null,4,null]`)), J(`[1,1,2,3,4,4]`)},
		{"fill_linear no edges", "series_fill_linear", args(J(`[null,1,null,3,null]`), J(`null`), B(false)), J(`[null,1,2,3,null]`)},
		{"divide", "series_divide", args(J(`[1,2,4]`), J(`[4,2,1]`)), J(`[0.25,1.0,4.0]`)},
		{"add longs", "series_add", args(J(`[1,2]`), J(`[3,4]`)), J(`[4,6]`)},
		{"add scalar", "series_add", args(J(`[1,2.5]`), L(1)), J(`[2,3.5]`)},
		{"add uneven", "series_add", args(J(`[1,2,3]`), J(`[1]`)), J(`[2,null,null]`)},
		{"multiply", "series_multiply", args(J(`[2,3]`), J(`[4,"x"]`)), J(`[8,null]`)},
		{"greater", "series_greater", args(J(`[1,2,4]`), J(`[4,2,1]`)), J(`[false,false,true]`)},
		{"equals", "series_equals", args(J(`[1,2,4]`), J(`[4,2,1]`)), J(`[false,true,false]`)},
		{"greater_equals", "series_greater_equals", args(J(`[1,2,4]`), J(`[4,2,1]`)), J(`[false,true,true]`)},
		{"exp", "series_exp", args(J(`[1,2,3]`)), J(`[2.7182818284590451,7.38905609893065,20.085536923187668]`)},
		{"abs", "series_abs", args(J(`[-1,null,2.5]`)), J(`[1,null,2.5]`)},
		{"dot product", "series_dot_product", args(J(`[1,2,4]`), J(`[4,2,1]`)), R(12)},
		{"cosine similarity", "series_cosine_similarity", args(J(`[0.1,0.2,0.1,0.2]`), J(`[0.11,0.2,0.11,0.21]`)), R(0.99935343825504)},
		{"cosine similarity 2", "series_cosine_similarity", args(J(`[0.1,0.2,0.1,0.2]`), J(`[1,2,3,4]`)), R(0.923760430703401)},
		{"pearson", "series_pearson_correlation", args(J(`[1,2,3,4,5]`), J(`[2,4,6,8,10]`)), R(1)},
		{"iir cumulative sum", "series_iir", args(J(`[1,2,3,4]`), J(`[1]`), J(`[1,-1]`)), J(`[1,3,6,10]`)},
		{"stats", "series_stats_dynamic", args(J(`[4,1,null,7,2]`)),
			J(`{"min":1,"min_idx":1,"max":7,"max_idx":3,"avg":3.5,"stdev":2.6457513110645907,"variance":7}`)},
		{"fit line", "series_fit_line_dynamic", args(J(`[2,4,6]`)),
			J(`{"rsquare":1,"slope":2,"variance":4,"rvariance":0,"interception":0,"line_fit":[2,4,6]}`)},
	}
	runScalarCases(t, cases)
}

func TestSeriesFitLineOutputs(t *testing.T) {
	// The reference's example: y = [2, 5, 6, 8, 11, 15, 17, 18, 25, 26, 30, 30].
	m, ok := LookupMultiScalar("series_fit_line")
	if !ok {
		t.Fatal("series_fit_line not registered")
	}
	outTypes, suffixes, err := m.Results([]ArgInfo{{Type: types.Dynamic}})
	if err != nil || len(outTypes) != 6 || suffixes[0] != "rsquare" || suffixes[5] != "line_fit" {
		t.Fatalf("Results = %v, %v, %v", outTypes, suffixes, err)
	}
	cols, err := m.Eval(testCtx(), []Arg{constArg(J(`[2,5,6,8,11,15,17,18,25,26,30,30]`))}, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := []types.Value{R(0.982900730884447), R(2.7307692307692313), R(98.62878787878786), R(1.6864801864801868), R(-1.6666666666666714)}
	for i, w := range want {
		if got := cols[i].Value(0); !sameValue(got, w) {
			t.Errorf("%s = %s, want %s", suffixes[i], show(got), show(w))
		}
	}
	if _, _, err := m.Results([]ArgInfo{{Type: types.String}}); err == nil {
		t.Error("series_fit_line(string) should be a type error")
	}
	s, _ := LookupMultiScalar("series_stats")
	cols, err = s.Eval(testCtx(), []Arg{colArg(types.Dynamic, J(`[4,1,7,2]`), J(`"x"`))}, 2)
	if err != nil {
		t.Fatal(err)
	}
	checkCol(t, "series_stats min", cols[0], R(1), N(types.Real))
	checkCol(t, "series_stats max_idx", cols[3], L(2), N(types.Long))
}
