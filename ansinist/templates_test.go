package ansinist

import (
	"testing"

	"github.com/openbms/bms/minutiae"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func deg(d float64) minutiae.Angle { return minutiae.AngleFromDegrees(d) }

func TestStandardAndM1Golden(t *testing.T) {
	tx, err := Decode(fixture())
	require.NoError(t, err)
	ts, err := tx.Records[4].Templates()
	require.NoError(t, err)
	require.Len(t, ts, 2)

	std, m1 := ts[0], ts[1]
	// Standard form: 2.54 mm at 500 ppi = 50 px; y flipped against the
	// 80-pixel image height; theta turned by 180°.
	assert.Equal(t, minutiae.Template{
		Position: minutiae.LeftMiddle, Impression: minutiae.LiveRolled,
		Width: fxW, Height: fxH, ResolutionX: 197, ResolutionY: 197,
		Minutiae: []minutiae.Minutia{
			{X: 50, Y: 55, Direction: deg(270), Kind: minutiae.Ending, Quality: 100},
			{X: 25, Y: 30, Direction: deg(0), Kind: minutiae.Bifurcation, Quality: 96},
		},
		Cores:       []minutiae.SingularPoint{{X: 50, Y: 55}},
		Deltas:      []minutiae.SingularPoint{{X: 25, Y: 55}},
		RidgeCounts: []minutiae.RidgeCount{{From: 0, To: 1, Count: 3}, {From: 1, To: 0, Count: 3}},
	}, std)

	assert.Equal(t, minutiae.Template{
		Position: minutiae.LeftMiddle, Impression: minutiae.LiveRolled,
		Width: fxW, Height: fxH, ResolutionX: 197, ResolutionY: 197,
		Qualities: []minutiae.QualityRecord{{Score: 60, VendorID: 0x000F, AlgorithmID: 1}},
		Device:    minutiae.CaptureDevice{Compliance: 8, Type: 0x1A},
		Minutiae: []minutiae.Minutia{
			{X: 50, Y: 55, Direction: deg(270), Kind: minutiae.Ending, Quality: 90},
			{X: 25, Y: 30, Direction: deg(0), Kind: minutiae.Bifurcation, Quality: 80},
		},
		Cores:       []minutiae.SingularPoint{{X: 50, Y: 55, HasDirection: true, Directions: []minutiae.Angle{deg(90)}}},
		Deltas:      []minutiae.SingularPoint{{X: 25, Y: 55, HasDirection: true, Directions: []minutiae.Angle{deg(20), deg(200), deg(340)}}},
		RidgeMethod: 1,
		RidgeCounts: []minutiae.RidgeCount{{From: 0, To: 1, Count: 3}},
	}, m1)
}

func TestEFSGolden(t *testing.T) {
	tx, err := Decode(fixture())
	require.NoError(t, err)
	ts, err := tx.Records[8].Templates()
	require.NoError(t, err)
	require.Len(t, ts, 1)
	// No image with IDC 9: Type-1 NTR (19.69 ppmm) gives the scale, the
	// region of interest (offset 1.00, 0.50 mm) the origin and size.
	assert.Equal(t, minutiae.Template{
		Position: minutiae.RightMiddle, Impression: minutiae.LatentImpression,
		Width: 217, Height: 168, ResolutionX: 197, ResolutionY: 197,
		Minutiae: []minutiae.Minutia{
			{X: 70, Y: 35, Direction: deg(45), Kind: minutiae.Ending},
			{X: 118, Y: 108, Direction: deg(300), Kind: minutiae.Other},
		},
		Cores:       []minutiae.SingularPoint{{X: 79, Y: 69, HasDirection: true, Directions: []minutiae.Angle{deg(90)}}},
		Deltas:      []minutiae.SingularPoint{{X: 98, Y: 89, HasDirection: true, Directions: []minutiae.Angle{deg(10), deg(130), deg(250)}}},
		RidgeMethod: 2,
		RidgeCounts: []minutiae.RidgeCount{{From: 0, To: 1, Count: 4}},
	}, ts[0])
}

func TestTransactionTemplates(t *testing.T) {
	tx, err := Decode(fixture())
	require.NoError(t, err)
	ts, err := tx.Templates()
	require.NoError(t, err)
	assert.Len(t, ts, 3)
	// Non-Type-9 records hold no templates.
	none, err := tx.Records[3].Templates()
	assert.NoError(t, err)
	assert.Empty(t, none)
}

func TestStandardWithoutImage(t *testing.T) {
	// Without an image the height is the smallest holding every feature;
	// the geometry between minutiae is unchanged.
	t9 := tagged(9, fld{2, "01"}, fld{3, "0"}, fld{4, "S"}, fld{6, "02"}, fld{10, "2"},
		fld{12, subs(items("1", "02500127090", "1", "D"), items("2", "01270250180", "63", "C"))})
	tx, err := Decode(transaction([]fld{{12, "19.685"}}, rec{9, 1, t9}))
	require.NoError(t, err)
	ts, err := tx.Templates()
	require.NoError(t, err)
	require.Len(t, ts, 1)
	tp := ts[0]
	assert.Equal(t, uint16(51), tp.Width)
	assert.Equal(t, uint16(51), tp.Height)
	assert.Equal(t, []minutiae.Minutia{
		{X: 49, Y: 26, Direction: deg(270), Kind: minutiae.Other, Quality: 0},
		{X: 25, Y: 2, Direction: deg(0), Kind: minutiae.Other, Quality: 1},
	}, tp.Minutiae)
}

func TestTemplateErrors(t *testing.T) {
	tests := []struct {
		name   string
		fields []fld
		msg    string
	}{
		{"bad XYT", []fld{{4, "S"}, {12, items("1", "12345")}}, "XXXXYYYYTTT"},
		{"count without minutiae", []fld{{4, "S"}, {10, "5"}}, "counts 5"},
		{"bad core", []fld{{4, "S"}, {8, "12"}, {10, "0"}}, "XXXXYYYY"},
		{"short M1 minutia", []fld{{4, "U"}, {137, items("1", "20")}}, "9.137"},
		{"short EFS minutia", []fld{{4, "U"}, {331, items("20", "x")}}, "9.331"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t9 := tagged(9, append([]fld{{2, "01"}, {3, "0"}}, tc.fields...)...)
			tx, err := Decode(transaction(nil, rec{9, 1, t9}))
			require.NoError(t, err)
			_, err = tx.Records[1].Templates()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.msg)
			assert.Contains(t, err.Error(), "ansinist: ")
			_, err = tx.Templates()
			assert.ErrorContains(t, err, "record 1")
			assert.NotEmpty(t, tx.Records[1].Summary().Problem)
		})
	}
}

func TestStandardQuality(t *testing.T) {
	for q, want := range map[int]uint8{0: 100, 1: 0, 2: 100, 63: 1, 64: 0, -1: 0, 33: 50} {
		assert.Equal(t, want, standardQuality(q), "quality %d", q)
	}
}
