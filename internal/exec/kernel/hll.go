package kernel

import (
	"encoding/base64"
	"math"
	"math/bits"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// hll, hll_if, hll_merge (aggregate and scalar) and dcount_hll: HyperLogLog sketches. The accuracy levels are
// dcount's: 0 to 4 give 2^12, 2^14 (the default), 2^16, 2^17 and 2^18 registers, for standard errors of about
// 1.6%, 0.8%, 0.4%, 0.28% and 0.2%. Values are hashed with XXH64 over the bytes hash() reads.
//
// A sketch is the dynamic bag {"hll_precision": p, "registers": <base64 of 2^p bytes>}.

var hllPrecisions = []uint8{12, 14, 16, 17, 18}

type hllSketch struct {
	p    uint8
	regs []uint8
}

func newHLL(p uint8) *hllSketch { return &hllSketch{p: p, regs: make([]uint8, 1<<p)} }

func (h *hllSketch) addHash(x uint64) {
	idx := x >> (64 - h.p)
	rest := x<<h.p | 1<<(h.p-1) // the guard bit caps the rank at 64-p+1
	rank := uint8(bits.LeadingZeros64(rest)) + 1
	if rank > h.regs[idx] {
		h.regs[idx] = rank
	}
}

// reduce returns the sketch folded to precision p (p <= h.p): the index bits dropped become rank bits.
func (h *hllSketch) reduce(p uint8) *hllSketch {
	if p >= h.p {
		return h
	}
	out := newHLL(p)
	shift := h.p - p
	for i, r := range h.regs {
		if r == 0 {
			continue
		}
		low := uint64(i) & (1<<shift - 1)
		var rank uint8
		if low != 0 {
			rank = uint8(bits.LeadingZeros64(low<<(64-shift))) + 1
		} else {
			rank = r + shift
		}
		if j := i >> shift; rank > out.regs[j] {
			out.regs[j] = rank
		}
	}
	return out
}

// merge folds o into h (both at h's precision after reducing the finer one); it returns the merged sketch.
func (h *hllSketch) merge(o *hllSketch) *hllSketch {
	a, b := h, o
	if b.p < a.p {
		a = a.reduce(b.p)
	} else {
		b = b.reduce(a.p)
	}
	for i, r := range b.regs {
		if r > a.regs[i] {
			a.regs[i] = r
		}
	}
	return a
}

// hllPow2Neg[r] is 2^-r, the weight of a register holding r.
var hllPow2Neg = func() (t [256]float64) {
	for r := range t {
		t[r] = math.Ldexp(1, -r)
	}
	return t
}()

// estimate is the HyperLogLog cardinality estimate, with linear counting for small cardinalities.
func (h *hllSketch) estimate() int64 {
	sum, zeros := 0.0, 0
	for _, r := range h.regs {
		sum += hllPow2Neg[r]
		if r == 0 {
			zeros++
		}
	}
	return hllEstimate(len(h.regs), sum, zeros)
}

// hllEstimate is the estimate of m registers whose weights sum to sum, zeros of them 0.
func hllEstimate(registers int, sum float64, zeros int) int64 {
	m := float64(registers)
	alpha := 0.7213 / (1 + 1.079/m)
	e := alpha * m * m / sum
	if e <= 2.5*m && zeros > 0 {
		e = m * math.Log(m/float64(zeros))
	}
	return int64(math.Round(e))
}

func (h *hllSketch) toDyn() any {
	b := types.NewBag()
	b.Set("hll_precision", int64(h.p))
	b.Set("registers", base64.StdEncoding.EncodeToString(h.regs))
	return b
}

// hllFromDyn reads a sketch made by hll(); false for anything else.
func hllFromDyn(v any) (*hllSketch, bool) {
	b, ok := v.(*types.Bag)
	if !ok {
		return nil, false
	}
	p, ok1 := b.Vals["hll_precision"].(int64)
	enc, ok2 := b.Vals["registers"].(string)
	if !ok1 || !ok2 || p < 4 || p > 18 {
		return nil, false
	}
	regs, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || len(regs) != 1<<p {
		return nil, false
	}
	return &hllSketch{p: uint8(p), regs: regs}, true
}

// hllAcc builds one sketch per group from values (hll, hll_if) or from sketches (hll_merge).
type hllAcc struct {
	p        uint8
	merge    bool
	withPred bool
	sketches []*hllSketch
}

func (a *hllAcc) Add(_ *Context, groups []uint32, args []Arg, n int) error {
	v := args[0]
	for i := 0; i < n; i++ {
		g := groups[i]
		a.sketches = growTo(a.sketches, g)
		if v.IsNull(i) || (a.withPred && !predTrue(args[1], i)) {
			continue
		}
		if a.merge {
			in, ok := hllFromDyn(v.Dyn(i))
			if !ok {
				continue
			}
			if a.sketches[g] == nil {
				a.sketches[g] = newHLL(in.p)
			}
			a.sketches[g] = a.sketches[g].merge(in)
			continue
		}
		if a.sketches[g] == nil {
			a.sketches[g] = newHLL(a.p)
		}
		a.sketches[g].addHash(xxHash64(valueBytes(v.Value(i))))
	}
	return nil
}

func (a *hllAcc) Result(numGroups int) []*types.Column {
	out := newCol(types.Dynamic, numGroups)
	for g := 0; g < numGroups; g++ {
		s := at(a.sketches, g)
		if s == nil {
			s = newHLL(a.p) // an empty group's sketch counts zero
		}
		out.Dyns[g] = s.toDyn()
	}
	return []*types.Column{out}
}

// hllAccuracy reads the constant accuracy argument at index i (default 1).
func hllAccuracy(args []ArgInfo, i int) (uint8, error) {
	if i >= len(args) || args[i].Const == nil || args[i].Const.Null {
		return hllPrecisions[1], nil
	}
	lvl, ok := toLongValue(*args[i].Const)
	if !ok || lvl < 0 || lvl > 4 {
		return 0, &ArgError{Index: i, Msg: "accuracy must be a constant between 0 and 4"}
	}
	return hllPrecisions[lvl], nil
}

func init() {
	RegisterAggregate(&Aggregate{
		Name: "hll", MinArgs: 1, MaxArgs: 2,
		Results: func(args []ArgInfo) ([]types.Type, error) {
			if err := checkArgs("hll", args, 1, 2, tScalar, tInteger); err != nil {
				return nil, err
			}
			if _, err := hllAccuracy(args, 1); err != nil {
				return nil, err
			}
			return []types.Type{types.Dynamic}, nil
		},
		New: func(args []ArgInfo) Accumulator {
			p, _ := hllAccuracy(args, 1)
			return &hllAcc{p: p}
		},
		DefaultName: prefixName("hll"),
	})
	RegisterAggregate(&Aggregate{
		Name: "hll_if", MinArgs: 2, MaxArgs: 3,
		Results: func(args []ArgInfo) ([]types.Type, error) {
			if err := checkArgs("hll_if", args, 2, 3, tScalar, tBool, tInteger); err != nil {
				return nil, err
			}
			if _, err := hllAccuracy(args, 2); err != nil {
				return nil, err
			}
			return []types.Type{types.Dynamic}, nil
		},
		New: func(args []ArgInfo) Accumulator {
			p, _ := hllAccuracy(args, 2)
			return &hllAcc{p: p, withPred: true}
		},
		DefaultName: prefixName("hll_if"),
	})
	RegisterAggregate(&Aggregate{
		Name: "hll_merge", MinArgs: 1, MaxArgs: 1,
		Results:     aggResult("hll_merge", 1, 1, fixedAggType(types.Dynamic), tDynamic),
		New:         func([]ArgInfo) Accumulator { return &hllAcc{p: hllPrecisions[1], merge: true} },
		DefaultName: prefixName("hll_merge"),
	})
	registerRowFunc("hll_merge", nil, types.Dynamic, 2, -1, paramTypes(tDynamic), func(_ *Context, v []types.Value) types.Value {
		var out *hllSketch
		for _, x := range v {
			if x.Null || x.D == nil {
				continue
			}
			s, ok := hllFromDyn(x.D)
			if !ok {
				return nullV(types.Dynamic)
			}
			if out == nil {
				out = newHLL(s.p)
			}
			out = out.merge(s)
		}
		if out == nil {
			return nullV(types.Dynamic)
		}
		return types.NewDynamic(out.toDyn())
	})
	registerRowFunc("dcount_hll", nil, types.Long, 1, 1, paramTypes(tDynamic), func(_ *Context, v []types.Value) types.Value {
		s, ok := hllFromDyn(v[0].D)
		if !ok {
			return nullV(types.Long)
		}
		return types.NewLong(s.estimate())
	})
}
