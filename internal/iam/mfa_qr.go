package iam

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"github.com/boombuler/barcode/qr"
)

// QR rendering of a virtual MFA device's otpauth:// URI, the QRCodePNG of
// CreateVirtualMFADevice.
const (
	// mfaQRModule is the side of one QR module in pixels: large enough for
	// a phone camera to read from a screen, small enough to keep the PNG a
	// few kilobytes.
	mfaQRModule = 6
	// mfaQRQuietZone is the white border in modules that ISO/IEC 18004
	// requires around the symbol; scanners fail without it.
	mfaQRQuietZone = 4
)

// mfaQRPalette is two colours, so the PNG encoder writes one bit per pixel.
var mfaQRPalette = color.Palette{color.White, color.Black}

// mfaQRPNG renders text as a QR code PNG with error-correction level M
// (15 %), which leaves room for a slightly blurred photo of a screen.
func mfaQRPNG(text string) ([]byte, error) {
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return nil, fmt.Errorf("iam: encoding QR code: %w", err)
	}
	dim := code.Bounds().Dx()
	side := (dim + 2*mfaQRQuietZone) * mfaQRModule
	img := image.NewPaletted(image.Rect(0, 0, side, side), mfaQRPalette)
	for y := 0; y < dim; y++ {
		for x := 0; x < dim; x++ {
			if !mfaQRDark(code.At(x, y)) {
				continue
			}
			x0, y0 := (x+mfaQRQuietZone)*mfaQRModule, (y+mfaQRQuietZone)*mfaQRModule
			for dy := 0; dy < mfaQRModule; dy++ {
				row := img.Pix[(y0+dy)*img.Stride+x0:]
				for dx := 0; dx < mfaQRModule; dx++ {
					row[dx] = 1
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("iam: encoding QR PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// mfaQRDark reports whether a module colour is the dark one.
func mfaQRDark(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r+g+b < 3*0x8000
}
