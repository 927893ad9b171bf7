package afis

import "github.com/openbms/bms/minutiae"

// fingerSet is a set of finger positions 1–10 as bits.
type fingerSet uint16

const allFingers fingerSet = 0x7fe // bits 1–10

// fingersOf is the set of fingers a finger position code may show: the
// finger itself for 1–10, the thumb for the plain thumb codes, the four
// fingers of a hand for the four-finger slaps, every finger when the
// position is unknown (0) or an EJI/tip capture (19). Palm codes give none.
func fingersOf(p minutiae.Position) fingerSet {
	if f := p.Finger(); f != 0 {
		return 1 << f
	}
	switch {
	case p == minutiae.PlainRightFour:
		return 1<<minutiae.RightIndex | 1<<minutiae.RightMiddle | 1<<minutiae.RightRing | 1<<minutiae.RightLittle
	case p == minutiae.PlainLeftFour:
		return 1<<minutiae.LeftIndex | 1<<minutiae.LeftMiddle | 1<<minutiae.LeftRing | 1<<minutiae.LeftLittle
	case p == minutiae.PlainThumbs:
		return 1<<minutiae.RightThumb | 1<<minutiae.LeftThumb
	case p == minutiae.UnknownFinger || p == minutiae.EJIOrTip:
		return allFingers
	}
	return 0
}

// view is what the compatibility rule needs to know about a probe or
// gallery view.
type view struct {
	pos    minutiae.Position
	latent bool
}

// compatible says whether a probe view is compared with a gallery view. A
// latent on either side has no reliable position and is compared with
// every finger and palm; otherwise fingers are compared with fingers that
// the two position codes may both show, and palms with palms.
func compatible(a, b view) bool {
	if a.latent || b.latent {
		return true
	}
	if a.pos.IsPalm() || b.pos.IsPalm() {
		return a.pos.IsPalm() && b.pos.IsPalm()
	}
	return fingersOf(a.pos)&fingersOf(b.pos) != 0
}
