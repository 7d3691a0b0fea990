package httpapi

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"net/http"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

func (s *Server) avatarRoutes() {
	s.handle("GET /v1/avatars/qr", route{scope: "avatars.read"}, s.qrCode)
}

// qrCode renders text (typically an otpauth:// URI for an authenticator
// app) as a PNG QR code, as Appwrite's avatars endpoint does.
func (s *Server) qrCode(c *call) error {
	text, err := c.p.required("text")
	if err != nil {
		return err
	}
	if err := validate.Text("text", text, 1, 512); err != nil {
		return err
	}
	size, sent, err := c.p.integer("size", 1, 1000)
	if err != nil {
		return err
	}
	if !sent {
		size = 400
	}
	margin, sent, err := c.p.integer("margin", 0, 10)
	if err != nil {
		return err
	}
	if !sent {
		margin = 1
	}
	download, _, err := c.p.boolean("download")
	if err != nil {
		return err
	}
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return apperr.Invalid("text", "Value cannot be encoded as a QR code")
	}
	inner := int(size) - 2*int(margin)*int(size)/40
	if inner < code.Bounds().Dx() {
		inner = code.Bounds().Dx()
	}
	if code, err = barcode.Scale(code, inner, inner); err != nil {
		return apperr.Invalid("size", "Value is too small for this text")
	}
	img := image.NewRGBA(image.Rect(0, 0, int(size), int(size)))
	draw.Draw(img, img.Bounds(), &image.Uniform{C: color.White}, image.Point{}, draw.Src)
	off := (int(size) - inner) / 2
	draw.Draw(img, image.Rect(off, off, off+inner, off+inner), code, image.Point{}, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", "image/png")
	h.Set("Cache-Control", "private, max-age=3888000")
	if download {
		h.Set("Content-Disposition", `attachment; filename="qr.png"`)
	}
	c.w.WriteHeader(http.StatusOK)
	_, err = c.w.Write(buf.Bytes())
	return err
}
