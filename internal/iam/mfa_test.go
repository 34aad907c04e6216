package iam

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"github.com/boombuler/barcode/qr"
)

func TestMFAQRPNG(t *testing.T) {
	for _, text := range []string{
		"otpauth://totp/a@111111111111?secret=MZXW6",
		// The longest URI CreateVirtualMFADevice can produce: a 226-character
		// name whose every character is percent-encoded, and a 64-character
		// secret.
		"otpauth://totp/" + strings.Repeat("%40", 226) + "@111111111111?secret=" + strings.Repeat("A", 64),
	} {
		b, err := mfaQRPNG(text)
		if err != nil {
			t.Fatalf("%d bytes: %v", len(text), err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		code, err := qr.Encode(text, qr.M, qr.Auto)
		if err != nil {
			t.Fatal(err)
		}
		dim := code.Bounds().Dx()
		side := (dim + 2*mfaQRQuietZone) * mfaQRModule
		if img.Bounds().Dx() != side || img.Bounds().Dy() != side {
			t.Fatalf("image %v, want %dx%d", img.Bounds(), side, side)
		}
		// Every pixel of a module has the module's colour; the quiet zone
		// is white.
		for y := 0; y < side; y++ {
			for x := 0; x < side; x++ {
				mx, my := x/mfaQRModule-mfaQRQuietZone, y/mfaQRModule-mfaQRQuietZone
				want := mx >= 0 && my >= 0 && mx < dim && my < dim && mfaQRDark(code.At(mx, my))
				if got := mfaQRDark(img.At(x, y)); got != want {
					t.Fatalf("pixel %d,%d dark = %v, want %v", x, y, got, want)
				}
			}
		}
	}
}

func TestMFAQRPNGTooLong(t *testing.T) {
	// Beyond QR version 40's capacity the encoder must refuse, not panic.
	if _, err := mfaQRPNG(strings.Repeat("x", 4000)); err == nil {
		t.Fatal("4000 bytes encoded")
	}
}

func BenchmarkMFAQRPNG(b *testing.B) {
	b.ReportAllocs()
	uri := "otpauth://totp/alice-phone@111111111111?secret=" + strings.Repeat("A", 64)
	for b.Loop() {
		if _, err := mfaQRPNG(uri); err != nil {
			b.Fatal(err)
		}
	}
}
