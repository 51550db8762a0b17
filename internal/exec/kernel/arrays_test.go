package kernel

import (
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

func TestArrayFunctions(t *testing.T) {
	cases := []scalarCase{
		{"sort asc nulls last", "array_sort_asc", args(J(`[null,"blue","yellow","green",null]`)), J(`["blue","green","yellow",null,null]`)},
		{"sort asc nulls first", "array_sort_asc", args(J(`[null,"blue","yellow","green",null]`), B(false)), J(`[null,null,"blue","green","yellow"]`)},
		{"sort desc", "array_sort_desc", args(J(`[null,"blue","yellow","green",null]`)), J(`["yellow","green","blue",null,null]`)},
		{"sort two arrays", "array_sort_asc", args(J(`[1,3,4,5,2]`), J(`["a","b","c","d","e"]`)), J(`[[1,2,3,4,5],["a","e","b","c","d"]]`)},
		{"sort length mismatch", "array_sort_asc", args(J(`[1,2]`), J(`["a"]`)), J(`null`)},
		{"shift left", "array_shift_left", args(J(`[1,2,3,4,5]`), L(2)), J(`[3,4,5,null,null]`)},
		{"shift right", "array_shift_right", args(J(`[1,2,3,4,5]`), L(2)), J(`[null,null,1,2,3]`)},
		{"shift right fill", "array_shift_right", args(J(`[1,2,3,4,5]`), L(2), L(-1)), J(`[-1,-1,1,2,3]`)},
		{"shift beyond", "array_shift_left", args(J(`[1,2]`), L(1<<62)), J(`[null,null]`)},
		{"rotate left", "array_rotate_left", args(J(`[1,2,3,4,5]`), L(2)), J(`[3,4,5,1,2]`)},
		{"rotate right", "array_rotate_right", args(J(`[1,2,3,4,5]`), L(2)), J(`[4,5,1,2,3]`)},
		{"rotate huge", "array_rotate_right", args(J(`[1,2,3]`), L(-1<<63)), J(`[2,3,1]`)},
		{"split", "array_split", args(J(`[1,2,3,4,5]`), J(`[1,3]`)), J(`[[1],[2,3],[4,5]]`)},
		{"split one index", "array_split", args(J(`[1,2,3]`), L(1)), J(`[[1],[2,3]]`)},
		{"iff arrays", "array_iff", args(J(`[true,false,true]`), J(`[1,2,3]`), J(`[4,5,6]`)), J(`[1,5,3]`)},
		{"iff scalars", "array_iff", args(J(`[1,0,50]`), S("yes"), S("no")), J(`["yes","no","yes"]`)},
		{"zip", "zip", args(J(`[1,3,5]`), J(`[2,4,6]`)), J(`[[1,2],[3,4],[5,6]]`)},
		{"zip uneven", "zip", args(J(`["A",1,1.5]`), J(`[{},"B"]`)), J(`[["A",{}],[1,"B"],[1.5,null]]`)},
		{"bag_zip", "bag_zip", args(J(`["a","b"]`), J(`[1,"2",2.5]`)), J(`{"a":1,"b":"2"}`)},
		{"bag_zip non-string key", "bag_zip", args(J(`["a",8,"b"]`), J(`[1,"2",2.5]`)), J(`{"a":1,"b":2.5}`)},
		{"bag_zip not array", "bag_zip", args(J(`"a"`), J(`[1]`)), J(`null`)},
		{"range", "range", args(L(1), L(3)), J(`[1,2,3]`)},
		{"range step", "range", args(L(1), L(8), L(3)), J(`[1,4,7]`)},
		{"range down", "range", args(L(3), L(1), L(-1)), J(`[3,2,1]`)},
		{"range zero step", "range", args(L(3), L(1), L(0)), J(`null`)},
		{"range real", "range", args(R(1), R(2), R(0.5)), J(`[1,1.5,2]`)},
		{"range datetime", "range", args(DT("2020-01-01"), DT("2020-01-02"), TS("12h")),
			J(`["2020-01-01T00:00:00.0000000Z","2020-01-01T12:00:00.0000000Z","2020-01-02T00:00:00.0000000Z"]`)},
		{"set_union", "set_union", args(J(`[1,2,1,4]`), J(`[1,2]`), J(`[8]`)), J(`[1,2,4,8]`)},
		{"set_intersect", "set_intersect", args(J(`[1,2,3]`), J(`[4,5]`)), J(`[]`)},
		{"set_intersect some", "set_intersect", args(J(`[1,2,3,2]`), J(`[2,3,9]`)), J(`[2,3]`)},
		{"set_difference", "set_difference", args(J(`[1,2,3]`), J(`[1,2,3]`)), J(`[]`)},
		{"set_difference some", "set_difference", args(J(`[1,2,3]`), J(`[2]`)), J(`[1,3]`)},
		{"bag_merge", "bag_merge", args(J(`{"A1":12,"B1":2,"C1":3}`), J(`{"A2":81,"B2":82,"A1":1}`)), J(`{"A1":12,"B1":2,"C1":3,"A2":81,"B2":82}`)},
		{"bag_remove_keys", "bag_remove_keys", args(J(`{"key1":123,"key2":{"prop1":"abc","prop2":"xyz"},"key3":[100,200]}`), J(`["$.key2.prop1","key3"]`)),
			J(`{"key1":123,"key2":{"prop2":"xyz"}}`)},
		{"bag_set_key existing", "bag_set_key", args(J(`{"key1":123,"key2":{"prop1":123,"prop2":"xyz"}}`), S("$.key2.prop1"), S("abc")),
			J(`{"key1":123,"key2":{"prop1":"abc","prop2":"xyz"}}`)},
		{"bag_set_key new path", "bag_set_key", args(J(`{"key1":123}`), S("$.key2.prop1"), S("abc")), J(`{"key1":123,"key2":{"prop1":"abc"}}`)},
		{"strcat_array", "strcat_array", args(J(`[1,2,3]`), S("->")), S("1->2->3")},
		{"dynamic_to_json of a string writes it as a JSON string", "dynamic_to_json", args(S(`a"b`)), S(`"a\"b"`)},
		{"dynamic_to_json sorts keys", "dynamic_to_json", args(J(`{"Y10":{},"X8":{"c3":1,"a4":6},"A1":12,"A14":[15,13]}`)), S(`{"A1":12,"A14":[15,13],"X8":{"a4":6,"c3":1},"Y10":{}}`)},
	}
	runScalarCases(t, cases)
	// Edits must not change the input value shared by other rows.
	in := J(`{"a":{"b":1}}`)
	if _, err := evalScalar(t, "bag_set_key", in, S("$.a.b"), L(2)); err != nil {
		t.Fatal(err)
	}
	if got := types.FormatJSON(in.D); got != `{"a":{"b":1}}` {
		t.Errorf("bag_set_key changed its input: %s", got)
	}
}

func TestRangeArrayCap(t *testing.T) {
	got, err := evalScalar(t, "range", L(1), L(1000000000))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(got.D.([]any)); n != maxRangeLen {
		t.Errorf("range(1, 1e9) has %d elements, want %d", n, maxRangeLen)
	}
}
