package kernel

import (
	"math"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// convert_angle, convert_energy, convert_speed, convert_temperature and convert_volume: unit conversions with the
// unit names and factors of the KQL reference (which follows UnitsNet). An unknown unit gives null.

// linearUnit converts to the family's base unit by multiplying by factor, or dividing when div is set (the
// reference's constants are written one way or the other, and keeping their direction keeps results exact).
type linearUnit struct {
	factor float64
	div    bool
}

func (u linearUnit) toBase(v float64) float64 {
	if u.div {
		return v / u.factor
	}
	return v * u.factor
}

func (u linearUnit) fromBase(b float64) float64 {
	if u.div {
		return b * u.factor
	}
	return b / u.factor
}

const (
	degPerRad      = 180 / math.Pi
	jPerBTU        = 1055.05585262
	jPerEV         = 1.602176634e-19
	m3PerUsGallon  = 0.00378541
	m3PerCubicFoot = 0.0283168
	m3PerImpGallon = 0.00454609
	usSurveyFoot   = 1200.0 / 3937.0
)

// angleUnits are in degrees; Tilt is handled apart (it is the sine of the angle).
var angleUnits = map[string]linearUnit{
	"Arcminute": {60, true}, "Arcsecond": {3600, true}, "Centiradian": {1e-2 * degPerRad, false},
	"Deciradian": {1e-1 * degPerRad, false}, "Degree": {1, false}, "Gradian": {0.9, false},
	"Microdegree": {1e-6, false}, "Microradian": {1e-6 * degPerRad, false}, "Millidegree": {1e-3, false},
	"Milliradian": {1e-3 * degPerRad, false}, "Nanodegree": {1e-9, false}, "Nanoradian": {1e-9 * degPerRad, false},
	"NatoMil": {360.0 / 6400.0, false}, "Radian": {degPerRad, false}, "Revolution": {360, false},
}

// energyUnits are in joules.
var energyUnits = map[string]linearUnit{
	"BritishThermalUnit": {jPerBTU, false}, "Calorie": {4.184, false},
	"DecathermEc": {1.05505585262e9, false}, "DecathermImperial": {1.05505585257348e9, false},
	"DecathermUs": {1.054804e9, false}, "ElectronVolt": {jPerEV, false}, "Erg": {1e-7, false},
	"FootPound": {1.355817948, false}, "GigabritishThermalUnit": {jPerBTU * 1e9, false},
	"GigaelectronVolt": {jPerEV * 1e9, false}, "Gigajoule": {1e9, false}, "GigawattDay": {86400e9, false},
	"GigawattHour": {3600e9, false}, "HorsepowerHour": {2.6845195377e6, false}, "Joule": {1, false},
	"KilobritishThermalUnit": {jPerBTU * 1e3, false}, "Kilocalorie": {4184, false},
	"KiloelectronVolt": {jPerEV * 1e3, false}, "Kilojoule": {1e3, false}, "KilowattDay": {86400e3, false},
	"KilowattHour": {3600e3, false}, "MegabritishThermalUnit": {jPerBTU * 1e6, false},
	"Megacalorie": {4.184e6, false}, "MegaelectronVolt": {jPerEV * 1e6, false}, "Megajoule": {1e6, false},
	"MegawattDay": {86400e6, false}, "MegawattHour": {3600e6, false}, "Millijoule": {1e-3, false},
	"TeraelectronVolt": {jPerEV * 1e12, false}, "TerawattDay": {86400e12, false},
	"TerawattHour": {3600e12, false}, "ThermEc": {1.05505585262e8, false},
	"ThermImperial": {1.05505585257348e8, false}, "ThermUs": {1.054804e8, false}, "WattDay": {86400, false},
	"WattHour": {3600, false},
}

// speedUnits are in meters per second.
var speedUnits = map[string]linearUnit{
	"CentimeterPerHour": {1e-2 / 3600, false}, "CentimeterPerMinute": {1e-2 / 60, false},
	"CentimeterPerSecond": {1e-2, false}, "DecimeterPerMinute": {1e-1 / 60, false},
	"DecimeterPerSecond": {1e-1, false}, "FootPerHour": {0.3048 / 3600, false},
	"FootPerMinute": {0.3048 / 60, false}, "FootPerSecond": {0.3048, false},
	"InchPerHour": {0.0254 / 3600, false}, "InchPerMinute": {0.0254 / 60, false},
	"InchPerSecond": {0.0254, false}, "KilometerPerHour": {1e3 / 3600, false},
	"KilometerPerMinute": {1e3 / 60, false}, "KilometerPerSecond": {1e3, false},
	"Knot": {1852.0 / 3600, false}, "MeterPerHour": {1.0 / 3600, false}, "MeterPerMinute": {1.0 / 60, false},
	"MeterPerSecond": {1, false}, "MicrometerPerMinute": {1e-6 / 60, false},
	"MicrometerPerSecond": {1e-6, false}, "MilePerHour": {0.44704, false},
	"MillimeterPerHour": {1e-3 / 3600, false}, "MillimeterPerMinute": {1e-3 / 60, false},
	"MillimeterPerSecond": {1e-3, false}, "NanometerPerMinute": {1e-9 / 60, false},
	"NanometerPerSecond": {1e-9, false}, "UsSurveyFootPerHour": {usSurveyFoot / 3600, false},
	"UsSurveyFootPerMinute": {usSurveyFoot / 60, false}, "UsSurveyFootPerSecond": {usSurveyFoot, false},
	"YardPerHour": {0.9144 / 3600, false}, "YardPerMinute": {0.9144 / 60, false},
	"YardPerSecond": {0.9144, false},
}

// volumeUnits are in cubic meters.
var volumeUnits = map[string]linearUnit{
	"AcreFoot": {0.000810714, true}, "AuTablespoon": {2e-5, false}, "BoardFoot": {2.3597372158e-3, false},
	"Centiliter": {1e-5, false}, "CubicCentimeter": {1e-6, false}, "CubicDecimeter": {1e-3, false},
	"CubicFoot": {m3PerCubicFoot, false}, "CubicHectometer": {1e6, false}, "CubicInch": {1.6387e-5, false},
	"CubicKilometer": {1e9, false}, "CubicMeter": {1, false}, "CubicMicrometer": {1e-18, false},
	"CubicMile": {4.16818182544058e9, false}, "CubicMillimeter": {1e-9, false},
	"CubicYard": {0.764554858, false}, "Decaliter": {1e-2, false}, "DecausGallon": {m3PerUsGallon * 10, false},
	"Deciliter": {1e-4, false}, "DeciusGallon": {m3PerUsGallon / 10, false},
	"HectocubicFoot": {m3PerCubicFoot * 100, false}, "HectocubicMeter": {100, false},
	"Hectoliter": {0.1, false}, "HectousGallon": {m3PerUsGallon * 100, false},
	"ImperialBeerBarrel": {0.16365924, false}, "ImperialGallon": {m3PerImpGallon, false},
	"ImperialOunce": {2.8413062499962901e-5, false}, "ImperialPint": {5.6826125e-4, false},
	"KilocubicFoot": {m3PerCubicFoot * 1e3, false}, "KilocubicMeter": {1e3, false},
	"KiloimperialGallon": {m3PerImpGallon * 1e3, false}, "Kiloliter": {1, false},
	"KilousGallon": {m3PerUsGallon * 1e3, false}, "Liter": {1e-3, false},
	"MegacubicFoot": {m3PerCubicFoot * 1e6, false}, "MegaimperialGallon": {m3PerImpGallon * 1e6, false},
	"Megaliter": {1e3, false}, "MegausGallon": {m3PerUsGallon * 1e6, false}, "MetricCup": {2.5e-4, false},
	"MetricTeaspoon": {0.5e-5, false}, "Microliter": {1e-9, false}, "Milliliter": {1e-6, false},
	"OilBarrel": {0.158987294928, false}, "UkTablespoon": {1.5e-5, false},
	"UsBeerBarrel": {0.1173477658, false}, "UsCustomaryCup": {2.365882365e-4, false},
	"UsGallon": {m3PerUsGallon, false}, "UsLegalCup": {2.4e-4, false},
	"UsOunce": {2.957352956253760505e-5, false}, "UsPint": {4.73176473e-4, false},
	"UsQuart": {9.46352946e-4, false}, "UsTablespoon": {1.478676478125e-5, false},
	"UsTeaspoon": {4.92892159375e-6, false},
}

// temperatureToKelvin and kelvinToTemperature hold the affine temperature scales.
var temperatureToKelvin = map[string]func(float64) float64{
	"DegreeCelsius":      func(x float64) float64 { return x + 273.15 },
	"DegreeDelisle":      func(x float64) float64 { return 373.15 - x*2/3 },
	"DegreeFahrenheit":   func(x float64) float64 { return (x + 459.67) * 5 / 9 },
	"DegreeNewton":       func(x float64) float64 { return x*100/33 + 273.15 },
	"DegreeRankine":      func(x float64) float64 { return x * 5 / 9 },
	"DegreeReaumur":      func(x float64) float64 { return x*5/4 + 273.15 },
	"DegreeRoemer":       func(x float64) float64 { return (x-7.5)*40/21 + 273.15 },
	"Kelvin":             func(x float64) float64 { return x },
	"MillidegreeCelsius": func(x float64) float64 { return x/1000 + 273.15 },
	"SolarTemperature":   func(x float64) float64 { return x * 5778 },
}

var kelvinToTemperature = map[string]func(float64) float64{
	"DegreeCelsius":      func(k float64) float64 { return k - 273.15 },
	"DegreeDelisle":      func(k float64) float64 { return (373.15 - k) * 3 / 2 },
	"DegreeFahrenheit":   func(k float64) float64 { return k*9/5 - 459.67 },
	"DegreeNewton":       func(k float64) float64 { return (k - 273.15) * 33 / 100 },
	"DegreeRankine":      func(k float64) float64 { return k * 9 / 5 },
	"DegreeReaumur":      func(k float64) float64 { return (k - 273.15) * 4 / 5 },
	"DegreeRoemer":       func(k float64) float64 { return (k-273.15)*21/40 + 7.5 },
	"Kelvin":             func(k float64) float64 { return k },
	"MillidegreeCelsius": func(k float64) float64 { return (k - 273.15) * 1000 },
	"SolarTemperature":   func(k float64) float64 { return k / 5778 },
}

// linearConverter converts between units of one family; ok is false for an unknown unit.
func linearConverter(units map[string]linearUnit) func(v float64, from, to string) (float64, bool) {
	return func(v float64, from, to string) (float64, bool) {
		f, ok1 := units[from]
		t, ok2 := units[to]
		if !ok1 || !ok2 {
			return 0, false
		}
		return t.fromBase(f.toBase(v)), true
	}
}

func convertAngle(v float64, from, to string) (float64, bool) {
	deg := 0.0
	if from == "Tilt" {
		deg = math.Asin(v) * degPerRad
	} else if u, ok := angleUnits[from]; ok {
		deg = u.toBase(v)
	} else {
		return 0, false
	}
	if to == "Tilt" {
		return math.Sin(deg / degPerRad), true
	}
	u, ok := angleUnits[to]
	if !ok {
		return 0, false
	}
	return u.fromBase(deg), true
}

func convertTemperature(v float64, from, to string) (float64, bool) {
	f, ok1 := temperatureToKelvin[from]
	t, ok2 := kelvinToTemperature[to]
	if !ok1 || !ok2 {
		return 0, false
	}
	return t(f(v)), true
}

func init() {
	converters := map[string]func(v float64, from, to string) (float64, bool){
		"convert_angle":       convertAngle,
		"convert_energy":      linearConverter(energyUnits),
		"convert_speed":       linearConverter(speedUnits),
		"convert_temperature": convertTemperature,
		"convert_volume":      linearConverter(volumeUnits),
	}
	for name, conv := range converters {
		registerRowFunc(name, nil, types.Real, 3, 3, paramTypes(tNumber, tString, tString), func(_ *Context, v []types.Value) types.Value {
			if anyNull(v) {
				return nullV(types.Real)
			}
			x, ok := toRealValue(v[0])
			if !ok {
				return nullV(types.Real)
			}
			r, ok := conv(x, v[1].S, v[2].S)
			if !ok {
				return nullV(types.Real)
			}
			return types.NewReal(r)
		})
	}
}
