package jpeg

import "testing"

// addFixtureSeeds seeds a fuzz target with every committed fixture.
func addFixtureSeeds(f *testing.F) {
	for _, fx := range fixtures {
		f.Add(readFixture(f, fx.name))
	}
}

// fuzzMaxPixels keeps fuzzed headers from asking for large images, so iterations stay fast.
const fuzzMaxPixels = 1 << 16

func FuzzDecode(f *testing.F) {
	addFixtureSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := Decode(data, Options{MaxPixels: fuzzMaxPixels})
		if err != nil {
			return
		}
		if img.Width <= 0 || img.Height <= 0 || (img.Channels != 1 && img.Channels != 3) ||
			len(img.Pix) != img.Width*img.Height*img.Channels {
			t.Fatalf("inconsistent image: %dx%d, %d channels, %d bytes", img.Width, img.Height, img.Channels, len(img.Pix))
		}
		cfg, err := DecodeConfig(data)
		if err != nil {
			t.Fatalf("Decode succeeded but DecodeConfig failed: %v", err)
		}
		if cfg.Width != img.Width || cfg.Height != img.Height {
			t.Fatalf("DecodeConfig says %dx%d, Decode gave %dx%d", cfg.Width, cfg.Height, img.Width, img.Height)
		}
	})
}

func FuzzDecodeConfig(f *testing.F) {
	addFixtureSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := DecodeConfig(data)
		if err != nil {
			return
		}
		if cfg.Width <= 0 || cfg.Height <= 0 || (cfg.Components != 1 && cfg.Components != 3 && cfg.Components != 4) {
			t.Fatalf("implausible config %+v", cfg)
		}
	})
}
