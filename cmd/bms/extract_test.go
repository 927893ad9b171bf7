package main

import (
	"bytes"
	"image"
	"image/draw"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openbms/bms/internal/fixtures"
	"github.com/openbms/bms/minutiae"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readTemplate decodes the one view of a template file extract wrote.
func readTemplate(t *testing.T, path string) *minutiae.Template {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	rec, _, err := minutiae.Decode(data)
	require.NoError(t, err)
	require.Len(t, rec.Views, 1)
	return &rec.Views[0]
}

// twoMinutiae draws vertical ridges (period 9 px) with two dislocations of
// opposite sense, a ridge ending and a bifurcation, at a quarter and three
// quarters of the width.
func twoMinutiae(w, h int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	x1, x2, y0 := float64(w)/4, 3*float64(w)/4, float64(h)/2
	for y := range h {
		for x := range w {
			fx, fy := float64(x), float64(y)
			phase := 2*math.Pi*fx/9 + math.Atan2(fy-y0, fx-x1) - math.Atan2(fy-y0, fx-x2)
			img.Pix[y*img.Stride+x] = uint8(128 + 100*math.Cos(phase))
		}
	}
	return img
}

func TestExtractCommandWithROI(t *testing.T) {
	dir := t.TempDir()
	const w, h = 400, 400
	img := filepath.Join(dir, "mark.png")
	require.NoError(t, minutiae.EncodeImageFile(img, twoMinutiae(w, h)))
	// The examiner's outline: the left half.
	mask := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w / 2 {
			mask.Pix[y*mask.Stride+x] = 255
		}
	}
	masks := filepath.Join(dir, "roi")
	require.NoError(t, os.MkdirAll(masks, 0o755))
	require.NoError(t, minutiae.EncodeImageFile(filepath.Join(masks, "mark.png"), mask))

	whole, roiFile, roiDir := filepath.Join(dir, "whole"), filepath.Join(dir, "file"), filepath.Join(dir, "dir")
	_, stderr, code := runBMS(t, "extract", "-impression", "latent", "-format", "json", "-o", whole, img)
	require.Equal(t, 0, code, stderr)
	_, stderr, code = runBMS(t, "extract", "-impression", "latent", "-format", "json", "-roi", filepath.Join(masks, "mark.png"), "-o", roiFile, img)
	require.Equal(t, 0, code, stderr)
	_, stderr, code = runBMS(t, "extract", "-impression", "latent", "-format", "json", "-roi", masks, "-o", roiDir, img)
	require.Equal(t, 0, code, stderr)

	all := readTemplate(t, filepath.Join(whole, "mark.json"))
	left := readTemplate(t, filepath.Join(roiFile, "mark.json"))
	assert.Equal(t, left.Minutiae, readTemplate(t, filepath.Join(roiDir, "mark.json")).Minutiae, "a mask file and a directory of masks give the same template")
	require.NotEmpty(t, left.Minutiae)
	rightOfROI := 0
	for _, m := range all.Minutiae {
		if int(m.X) >= w/2+16 {
			rightOfROI++
		}
	}
	require.Positive(t, rightOfROI, "the fixture has minutiae right of the mask")
	for _, m := range left.Minutiae {
		assert.Less(t, int(m.X), w/2, "minutia at (%d, %d) outside the ROI", m.X, m.Y)
	}

	// A directory without the image's mask, a mask of another size, and one
	// mask file for two images are errors, not silent whole-image runs.
	require.NoError(t, os.Remove(filepath.Join(masks, "mark.png")))
	stdout, _, code := runBMS(t, "extract", "-impression", "latent", "-roi", masks, "-o", roiDir, img)
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "no ROI mask for mark.png")
	small := filepath.Join(dir, "small.png")
	require.NoError(t, minutiae.EncodeImageFile(small, image.NewGray(image.Rect(0, 0, 50, 50))))
	stdout, _, code = runBMS(t, "extract", "-impression", "latent", "-roi", small, "-o", roiDir, img)
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "ROI is 50×50")
	_, stderr, code = runBMS(t, "extract", "-roi", small, "-o", roiDir, img, img)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "one image")

	// identify takes the probe's mask too; a template probe refuses one.
	gallery := filepath.Join(dir, "g.bmsg")
	_, stderr, code = runBMS(t, "enroll", "-o", gallery, filepath.Join(whole, "mark.json"))
	require.Equal(t, 0, code, stderr)
	require.NoError(t, minutiae.EncodeImageFile(filepath.Join(masks, "mark.png"), mask))
	stdout, stderr, code = runBMS(t, "identify", "-gallery", gallery, "-probe", img, "-impression", "latent", "-roi", filepath.Join(masks, "mark.png"))
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "mark")
	_, stderr, code = runBMS(t, "identify", "-gallery", gallery, "-probe", filepath.Join(whole, "mark.json"), "-roi", filepath.Join(masks, "mark.png"))
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "applies to an image")
}

func TestProgressRedrawsAtIntervals(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, 10000)
	for range 10000 {
		p.step()
	}
	p.done()
	out := b.String()
	// A fast run draws the first state and the last, not one per item.
	assert.LessOrEqual(t, strings.Count(out, "\r"), 5)
	assert.Contains(t, out, "[##############################] 10000/10000", "the end is always drawn")
	assert.True(t, strings.HasSuffix(out, "/s\n"), "done ends the line")

	b.Reset()
	one := newProgress(&b, 1)
	one.step()
	one.done()
	assert.Empty(t, b.String(), "one item: silent")
}

func TestExtractCommandSlap(t *testing.T) {
	dir := t.TempDir()
	// Four whorl patches at a right hand's staggered heights on a light
	// card.
	slap := image.NewGray(image.Rect(0, 0, 1600, 1000))
	for i := range slap.Pix {
		slap.Pix[i] = 235
	}
	tip := fixtures.RidgeImage(280, 400)
	for _, c := range []image.Point{{260, 600}, {620, 330}, {980, 380}, {1330, 640}} {
		r := tip.Bounds().Add(c.Sub(image.Pt(140, 200)))
		draw.Draw(slap, r, tip, image.Point{}, draw.Src)
	}
	src := filepath.Join(dir, "right.png")
	require.NoError(t, minutiae.EncodeImageFile(src, slap))
	out, dbg := filepath.Join(dir, "out"), filepath.Join(dir, "dbg")
	stdout, stderr, code := runBMS(t, "extract", "-slap", "right", "-format", "json", "-o", out, "-debug", dbg, src)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "right index")
	data, err := os.ReadFile(filepath.Join(out, "right.json"))
	require.NoError(t, err)
	rec, _, err := minutiae.Decode(data)
	require.NoError(t, err)
	var got []minutiae.Position
	for _, v := range rec.Views {
		got = append(got, v.Position)
	}
	assert.Equal(t, []minutiae.Position{minutiae.RightIndex, minutiae.RightMiddle, minutiae.RightRing, minutiae.RightLittle}, got)
	_, err = os.Stat(filepath.Join(dbg, "right-slap.png"))
	assert.NoError(t, err)

	_, _, code = runBMS(t, "extract", "-slap", "feet", "-o", out, src)
	assert.Equal(t, 2, code)
	_, _, code = runBMS(t, "extract", "-slap", "left", "-roi", src, "-o", out, src)
	assert.Equal(t, 2, code)
}
