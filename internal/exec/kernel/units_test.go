package kernel

import (
	"math"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

func TestUnitConversions(t *testing.T) {
	runScalarCases(t, []scalarCase{
		// Examples of the KQL reference pages.
		{"angle", "convert_angle", args(R(1.2), S("Degree"), S("Arcminute")), R(72)},
		{"energy", "convert_energy", args(R(1.2), S("Joule"), S("BritishThermalUnit")), R(0.00113738054437598)},
		{"speed", "convert_speed", args(R(1.2), S("MeterPerSecond"), S("CentimeterPerHour")), R(432000)},
		{"temperature", "convert_temperature", args(R(1.2), S("Kelvin"), S("DegreeCelsius")), R(-271.95)},
		{"volume", "convert_volume", args(R(1.2), S("CubicMeter"), S("AcreFoot")), R(0.0009728568)},
		{"fahrenheit", "convert_temperature", args(R(212), S("DegreeFahrenheit"), S("DegreeCelsius")), R(100)},
		{"radian", "convert_angle", args(R(math.Pi), S("Radian"), S("Degree")), R(180)},
		{"tilt", "convert_angle", args(R(30), S("Degree"), S("Tilt")), R(0.5)},
		{"knot", "convert_speed", args(R(1), S("Knot"), S("KilometerPerHour")), R(1.852)},
		{"unknown unit", "convert_volume", args(R(1), S("Bucket"), S("Liter")), N(types.Real)},
		{"null value", "convert_energy", args(N(types.Real), S("Joule"), S("Erg")), N(types.Real)},
	})
}

func TestBetaDistribution(t *testing.T) {
	runScalarCases(t, []scalarCase{
		// Examples of the KQL reference pages.
		{"cdf", "beta_cdf", args(R(0.9), R(10), R(20)), R(0.999999999999959)},
		{"cdf x>1", "beta_cdf", args(R(1.5), R(10), R(20)), R(math.NaN())},
		{"cdf negative alpha", "beta_cdf", args(R(0.1), R(-1), R(20)), R(math.NaN())},
		{"pdf", "beta_pdf", args(R(0.5), R(10), R(20)), R(0.746176019310951)},
		{"pdf x<0", "beta_pdf", args(R(-10), R(10), R(20)), R(math.NaN())},
		{"inv", "beta_inv", args(R(0.1), R(10), R(20)), R(0.226415022434659)},
		{"cdf uniform", "beta_cdf", args(R(0.3), L(1), L(1)), R(0.3)},
		{"null", "beta_pdf", args(N(types.Real), R(1), R(1)), N(types.Real)},
	})
}
