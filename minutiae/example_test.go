package minutiae_test

import (
	"fmt"

	"github.com/openbms/bms/minutiae"
)

// A template written in one interchange format and read back: Decode
// recognises the format by content.
func ExampleDecode() {
	rec := &minutiae.Record{Views: []minutiae.Template{{
		Position:    minutiae.RightIndex,
		Impression:  minutiae.LivePlain,
		Width:       300,
		Height:      400,
		ResolutionX: 197,
		ResolutionY: 197,
		Minutiae: []minutiae.Minutia{
			{X: 120, Y: 80, Direction: minutiae.AngleFromDegrees(90), Kind: minutiae.Ending, Quality: 60},
			{X: 200, Y: 310, Direction: minutiae.AngleFromDegrees(225), Kind: minutiae.Bifurcation, Quality: 45},
		},
	}}}
	data, err := minutiae.Encode(rec, minutiae.FormatANSI2009)
	if err != nil {
		panic(err)
	}
	back, format, err := minutiae.Decode(data)
	if err != nil {
		panic(err)
	}
	v := back.Views[0]
	fmt.Println(format.Title(), len(data), "bytes")
	fmt.Println(v.Position, "|", v.Impression, "|", v.PPI(), "ppi")
	for _, m := range v.Minutiae {
		fmt.Printf("%s at (%d,%d) %.0f°\n", m.Kind, m.X, m.Y, m.Direction.Degrees())
	}
	// Output:
	// ANSI INCITS 378-2009 52 bytes
	// right index | live-scan plain | 500 ppi
	// ending at (120,80) 90°
	// bifurcation at (200,310) 226°
}

// Angles hold every unit of the interchange formats exactly; what a format
// cannot represent is rounded when it is written (ANSI 378 stores 2° steps).
func ExampleAngle() {
	a := minutiae.AngleFromDegrees(45)
	fmt.Printf("%d units = %.4f° = %.4f rad\n", a, a.Degrees(), a.Radians())
	fmt.Println(minutiae.AngleFromDegrees(-90).Degrees(), a.Opposite().Degrees())
	// Output:
	// 8192 units = 45.0000° = 0.7854 rad
	// 270 225
}
