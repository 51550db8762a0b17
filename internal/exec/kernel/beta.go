package kernel

import (
	"math"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// beta_cdf, beta_pdf and beta_inv: the beta distribution. Per the reference, x (or the probability) outside
// [0, 1] or a shape parameter that is not positive gives NaN; a null argument gives null.

func init() {
	betaFuncs := map[string]func(x, a, b float64) float64{
		"beta_cdf": betaCDF,
		"beta_pdf": betaPDF,
		"beta_inv": betaInv,
	}
	for name, fn := range betaFuncs {
		registerRowFunc(name, nil, types.Real, 3, 3, paramTypes(tNumber), func(_ *Context, v []types.Value) types.Value {
			if anyNull(v) {
				return nullV(types.Real)
			}
			var xs [3]float64
			for i := range xs {
				x, ok := toRealValue(v[i])
				if !ok {
					return nullV(types.Real)
				}
				xs[i] = x
			}
			return types.NewReal(fn(xs[0], xs[1], xs[2]))
		})
	}
}

func betaArgsValid(x, a, b float64) bool {
	return x >= 0 && x <= 1 && a > 0 && b > 0 && !math.IsInf(a, 0) && !math.IsInf(b, 0)
}

// logBeta is ln B(a, b).
func logBeta(a, b float64) float64 {
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	return la + lb - lab
}

func betaPDF(x, a, b float64) float64 {
	if !betaArgsValid(x, a, b) {
		return math.NaN()
	}
	if x == 0 || x == 1 {
		// The density's limit at the ends depends on the shape.
		e := a
		if x == 1 {
			e = b
		}
		switch {
		case e < 1:
			return math.Inf(1)
		case e > 1:
			return 0
		}
		return math.Exp(-logBeta(a, b))
	}
	return math.Exp((a-1)*math.Log(x) + (b-1)*math.Log1p(-x) - logBeta(a, b))
}

// betaCDF is the regularized incomplete beta function I_x(a, b).
func betaCDF(x, a, b float64) float64 {
	if !betaArgsValid(x, a, b) {
		return math.NaN()
	}
	if x == 0 || x == 1 {
		return x
	}
	front := math.Exp(a*math.Log(x) + b*math.Log1p(-x) - logBeta(a, b))
	// The continued fraction converges fast for x < (a+1)/(a+b+2); use the symmetry otherwise.
	if x < (a+1)/(a+b+2) {
		return front * betaContinuedFraction(x, a, b) / a
	}
	return 1 - front*betaContinuedFraction(1-x, b, a)/b
}

// betaContinuedFraction evaluates the incomplete beta continued fraction by the modified Lentz method.
func betaContinuedFraction(x, a, b float64) float64 {
	const tiny = 1e-300
	const eps = 1e-16
	c, d := 1.0, 1-(a+b)*x/(a+1)
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1; m <= 1000; m++ {
		fm := float64(m)
		num := fm * (b - fm) * x / ((a + 2*fm - 1) * (a + 2*fm))
		d = 1 + num*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + num/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		h *= d * c
		num = -(a + fm) * (a + b + fm) * x / ((a + 2*fm) * (a + 2*fm + 1))
		d = 1 + num*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + num/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < eps {
			break
		}
	}
	return h
}

// betaInv finds x with I_x(a, b) = p by bisection (the CDF is monotone on [0, 1]).
func betaInv(p, a, b float64) float64 {
	if !betaArgsValid(p, a, b) {
		return math.NaN()
	}
	if p == 0 || p == 1 {
		return p
	}
	lo, hi := 0.0, 1.0
	for i := 0; i < 200 && hi-lo > 1e-17; i++ {
		mid := (lo + hi) / 2
		if betaCDF(mid, a, b) < p {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}
