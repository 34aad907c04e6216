package session

import (
	"bytes"
	"fmt"
	"log/slog"
)

func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }

// logLine renders v through slog's text and JSON handlers.
func logLine(v any) string {
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("m", "v", v)
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("m", "v", v)
	return buf.String()
}
