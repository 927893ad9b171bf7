package vecdot

// goKernels is the reference implementation: the same operations in the
// same order as the assembly, one lane at a time.
var goKernels = &Kernels{
	name:    "go",
	tile:    4,
	f32One:  f32OneGo,
	f32Tile: f32TileGo,
	f16One:  f16OneGo,
	f16Tile: f16TileGo,
	i8One:   i8OneGo,
	i8Tile:  i8TileGo,
}

func f32OneGo(out, probe, gal []float32, dim int) { f32StridedGo(out, probe, 1, gal, dim) }

// f32StridedGo reads probe coordinate d at probe[d*step], which serves both
// a plain probe (step 1) and one column of a packed tile (step Tile).
func f32StridedGo(out, probe []float32, step int, gal []float32, dim int) {
	var acc [Lanes]float32
	for b := 0; b < len(gal)/(dim*Lanes); b++ {
		blk := gal[b*dim*Lanes : (b+1)*dim*Lanes]
		acc = [Lanes]float32{}
		for d := range dim {
			p := probe[d*step]
			row := blk[d*Lanes : d*Lanes+Lanes]
			for l := range acc {
				acc[l] = FMA32(p, row[l], acc[l])
			}
		}
		copy(out[b*Lanes:], acc[:])
	}
}

func f32TileGo(out []float32, stride int, probesT, gal []float32, dim int) {
	t := len(probesT) / dim
	for p := range t {
		f32StridedGo(out[p*stride:], probesT[p:], t, gal, dim)
	}
}

func f16OneGo(out, probe []float32, gal []uint16, dim int) { f16StridedGo(out, probe, 1, gal, dim) }

func f16StridedGo(out, probe []float32, step int, gal []uint16, dim int) {
	var acc [Lanes]float32
	for b := 0; b < len(gal)/(dim*Lanes); b++ {
		blk := gal[b*dim*Lanes : (b+1)*dim*Lanes]
		acc = [Lanes]float32{}
		for d := range dim {
			p := probe[d*step]
			row := blk[d*Lanes : d*Lanes+Lanes]
			for l := range acc {
				acc[l] = FMA32(p, F16ToF32(row[l]), acc[l])
			}
		}
		copy(out[b*Lanes:], acc[:])
	}
}

func f16TileGo(out []float32, stride int, probesT []float32, gal []uint16, dim int) {
	t := len(probesT) / dim
	for p := range t {
		f16StridedGo(out[p*stride:], probesT[p:], t, gal, dim)
	}
}

// The Go int8 kernels compute the signed products directly; corr is only
// what the assembly needs to undo its unsigned bias.
func i8OneGo(out []int32, probe []int8, gal []int8, dim int, _ int32) {
	i8StridedGo(out, probe, I8Group, gal, dim)
}

// i8StridedGo reads the probe's group g at probe[g*step:], step bytes apart.
func i8StridedGo(out []int32, probe []int8, step int, gal []int8, dim int) {
	var acc [Lanes]int32
	for b := 0; b < len(gal)/(dim*Lanes); b++ {
		blk := gal[b*dim*Lanes : (b+1)*dim*Lanes]
		acc = [Lanes]int32{}
		for g := 0; g < dim/I8Group; g++ {
			q := probe[g*step : g*step+I8Group]
			row := blk[g*Lanes*I8Group : (g+1)*Lanes*I8Group]
			for l := range acc {
				v := row[l*I8Group : l*I8Group+I8Group]
				acc[l] += int32(q[0])*int32(v[0]) + int32(q[1])*int32(v[1]) + int32(q[2])*int32(v[2]) + int32(q[3])*int32(v[3])
			}
		}
		copy(out[b*Lanes:], acc[:])
	}
}

func i8TileGo(out []int32, stride int, probesT []int8, gal []int8, dim int, _ *[MaxTile]int32) {
	t := len(probesT) / dim
	for p := range t {
		i8StridedGo(out[p*stride:], probesT[p*I8Group:], t*I8Group, gal, dim)
	}
}
