package facial_test

import (
	"context"
	"fmt"
	"math"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/openbms/bms/facial"
	"github.com/openbms/bms/index"
)

// embedding stands in for a face recognition model: a person is a
// direction, an image of them that direction plus a small deviation.
func embedding(person, image int) []float32 {
	v := make([]float32, 128)
	for i := range v {
		v[i] = float32(math.Sin(float64((person+1)*(i+1))*0.7)) + 0.05*float32(math.Cos(float64(image*i)))
	}
	return v
}

func Example() {
	g, err := facial.NewGallery(facial.GalleryOptions{Model: "example-128", Dim: 128, Storage: facial.Int8})
	if err != nil {
		panic(err)
	}
	for person := range 5 {
		t, err := facial.NewTemplate("example-128", embedding(person, 0), 80)
		if err != nil {
			panic(err)
		}
		if _, err := g.Enrol(fmt.Sprintf("person-%d", person), t); err != nil {
			panic(err)
		}
	}

	probe, _ := facial.NewTemplate("example-128", embedding(3, 1), facial.NoQuality)
	hits, _ := g.Search(context.Background(), probe, facial.SearchOptions{K: 2})
	fmt.Printf("best: %s (%.2f)\n", hits[0].ID, hits[0].Score)

	// An actor allowed to see records 0–2 only does not get person-3.
	hits, _ = g.Search(context.Background(), probe, facial.SearchOptions{K: 1, Filter: index.AllowOnly(roaring.BitmapOf(0, 1, 2))})
	fmt.Printf("filtered best: %s\n", hits[0].ID)

	score, _ := g.Verify("person-3", probe)
	fmt.Printf("1:1 with person-3: %.2f\n", score)

	// The quality gate refuses a failed capture and says why.
	flat := make([]float32, 128)
	flat[0] = 1
	bad, _ := facial.NewTemplate("example-128", flat, 90)
	_, err = g.Enrol("person-x", bad)
	fmt.Println(err)
	// Output:
	// best: person-3 (1.00)
	// filtered best: person-2
	// 1:1 with person-3: 1.00
	// facial: template refused at enrolment (embedding values show a failed capture): one coordinate carries 100% of the length (at most 50% allowed)
}
