package pdq

// The reference's BT.601 luma weights, as float32 (bits 3e991687, 3f1645a2, 3de978d5).
const (
	lumaR float32 = 0.299
	lumaG float32 = 0.587
	lumaB float32 = 0.114
)

// LumaFromRGB converts packed 8-bit RGB pixels to the float32 luminance buffer the hash core reads,
// computing ((0.299*R + 0.587*G) + 0.114*B) in float32 with every product rounded first, as the
// reference does. dst must hold len(rgb)/3 values; it is returned for convenience.
//
// Use LumaFromGrey instead when every pixel has R == G == B: the reference then sees a grey image,
// and the RGB formula is not exact for grey (v = 15 gives 15.000001).
func LumaFromRGB(dst []float32, rgb []byte) []float32 {
	dst = dst[:len(rgb)/3]
	for i := range dst {
		p := rgb[3*i : 3*i+3 : 3*i+3]
		r := float32(lumaR * float32(p[0]))
		g := float32(lumaG * float32(p[1]))
		b := float32(lumaB * float32(p[2]))
		dst[i] = float32(r+g) + b
	}
	return dst
}

// LumaFromGrey converts 8-bit grey pixels to the float32 luminance buffer: each value unchanged.
// dst must hold len(grey) values; it is returned for convenience.
func LumaFromGrey(dst []float32, grey []byte) []float32 {
	dst = dst[:len(grey)]
	for i, v := range grey {
		dst[i] = float32(v)
	}
	return dst
}
