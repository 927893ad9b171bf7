// Package pgm reads and writes Netpbm images: the greymaps (PGM, P2 and P5)
// that fingerprint software such as NIST NBIS and the MINEX samples use, and,
// because they cost little more, the bitmaps (PBM, P1 and P4) and pixmaps
// (PPM, P3 and P6).
//
// # Pixels
//
// [Decode] always returns an *image.Gray with its origin at (0, 0), since
// the rest of bms works on 8-bit grey images:
//
//   - greymap samples with a maxval other than 255 are scaled to 0–255 with
//     rounding (16-bit samples, maxval 256–65535, are big-endian in P5);
//   - bitmap bits are 1 for black, so 1 becomes 0 and 0 becomes 255;
//   - pixmap colours are scaled to 16 bits per channel and converted with the
//     luma weights of [color.GrayModel] (0.299 R + 0.587 G + 0.114 B).
//
// Comments (# to the end of the line) are accepted anywhere in the header
// and between the samples of the plain (ASCII) formats. Only the first image
// of a multi-image file is read; bytes after it are ignored.
//
// [Encode] writes a binary 8-bit greymap (P5, maxval 255), converting other
// images with [color.GrayModel].
//
// # Hostile input
//
// Headers are not trusted. Width and height must each be at most
// [MaxDimension] and their product at most [MaxPixels]; larger images are
// rejected before any pixel memory is allocated. Pixel memory then grows
// only as pixel data actually arrives from the reader (from 1 MiB, doubling),
// so a 100-byte file whose header claims 65536×3000 pixels fails with a
// truncation error after allocating under 2 MiB, not 200 MB. Malformed
// input yields an error prefixed "pgm: ", never a panic.
//
// Importing the package registers the formats with [image.RegisterFormat]
// as "pbm", "pgm" and "ppm", so [image.Decode] recognises them.
package pgm
