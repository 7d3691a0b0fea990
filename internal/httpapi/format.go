package httpapi

// formatBefore reports whether the request asks for a response format
// older than v (X-Appwrite-Response-Format, compared numerically). A
// request without the header gets the newest shapes, as in Appwrite,
// where an empty format applies no down-converting filter.
func (c *call) formatBefore(v string) bool {
	f := c.r.Header.Get("X-Appwrite-Response-Format")
	return f != "" && newerThan(v, f)
}
