package match

// consistentPairs is align's consistency pass: it writes into out, in
// ascending order, the indices p < n of the pairs of g whose geometry is
// consistent with al, and returns how many there are. A pair is consistent
// when its direction difference is within tolDir of al's rotation and al
// maps its probe minutia within √(tolBase² + (tolSlope·r)²) of its
// candidate minutia (see the constants). out must hold n indices; its
// elements from the count up to n are left unspecified.
//
// Every implementation gives the same indices, bit for bit: the vector
// kernels compute the float32 operations of consistentPairsGo in the same
// order, without fusing any (see consistentPairsGo), with the same
// constants (posLimBase, posLimSlope) and the same comparison,
// false for NaN. The kernel is chosen at start-up, the best the CPU runs.
var consistentPairs func(g *pairGeometry, n int, al alignment, out []uint16) int

// posLimBase and posLimSlope are the float32 values that the position
// test's constant subexpressions tolBase*tolBase and tolSlope*tolSlope have
// in the compiled Go code, for the vector kernels: the same constant
// expressions. (tolSlope*tolSlope is float32(0.05)² rounded to float32,
// 0x3b23d70b, one ulp above float32(0.0025); the tests check that the
// kernels agree with consistentPairsGo where one ulp matters.)
var (
	posLimBase  = tolBase * tolBase
	posLimSlope = tolSlope * tolSlope
)

// consistentPairsGo is the portable implementation, the reference of the
// others. It writes every index and advances the count past those that
// pass. (Written without a branch, with & on the two tests, it was slower:
// most pairs fail the position test, which predicts well.)
//
// The explicit float32 conversions of the products round them, which
// forbids the compiler to fuse them with the sums that follow (Go fuses
// x*y + z on arm64, and on amd64 from GOAMD64=v3): the operations are the
// same on every target and build, those of the vector kernels. On amd64
// with the default GOAMD64 the conversions change no instruction.
func consistentPairsGo(g *pairGeometry, n int, al alignment, out []uint16) int {
	ax, ay, bx, by, dd := g.ax[:n], g.ay[:n], g.bx[:n], g.by[:n], g.dd[:n]
	out = out[:n]
	nc := 0
	for p := range ax {
		// |d| ≤ tolDir, as one unsigned comparison.
		dirOK := uint16(dd[p]-al.rot+uint16(tolDir)) <= 2*uint16(tolDir)
		ux, uy := ax[p]-al.ax, ay[p]-al.ay
		tx := al.bx + float32(al.cos*ux) - float32(al.sin*uy) - bx[p]
		ty := al.by + float32(al.sin*ux) + float32(al.cos*uy) - by[p]
		posOK := float32(tx*tx)+float32(ty*ty) <= tolBase*tolBase+float32(tolSlope*tolSlope*(float32(ux*ux)+float32(uy*uy)))
		out[nc] = uint16(p)
		if posOK && dirOK {
			nc++
		}
	}
	return nc
}

// consistentKernel is one implementation of consistentPairs.
type consistentKernel struct {
	name string
	fn   func(g *pairGeometry, n int, al alignment, out []uint16) int
}

func init() {
	consistentPairs = consistentKernels()[0].fn
}
