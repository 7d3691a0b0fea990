package httpapi

// formatBefore reports whether the request asks for a response format
// older than v (X-Appwrite-Response-Format, compared numerically). A
// request without the header gets the newest shapes, as in Appwrite,
// where an empty format applies no down-converting filter.
func (c *call) formatBefore(v string) bool {
	f := c.r.Header.Get("X-Appwrite-Response-Format")
	return f != "" && newerThan(v, f)
}

// shape is the one place a model is fitted to the request before it is
// written: the steps of older response formats, and what only the
// request knows (who impersonates). Handlers never branch on versions.
func (c *call) shape(v any) any {
	switch m := v.(type) {
	case accountModel:
		return c.shapeAccount(m)
	case userModel:
		return c.shapeUser(m)
	case userListModel:
		for i := range m.Users {
			m.Users[i] = c.shapeUser(m.Users[i])
		}
		return m
	case previewModel:
		m.User = c.shapeAccount(m.User)
		return m
	}
	return v
}

// shapeAccount names the operator in the account of the user it
// impersonates (impersonatorUserId), and drops the 1.9.0 fields for
// older formats.
func (c *call) shapeAccount(m accountModel) accountModel {
	if c.formatBefore("1.9.0") {
		m.Impersonator, m.ImpersonatorUserID = nil, nil
		return m
	}
	if c.impersonating() && m.ID == c.caller.User.ID {
		m.ImpersonatorUserID = appendString(nil, c.caller.Operator.ID)
	}
	return m
}

// shapeUser drops the 1.9.0 fields of the Users API's User for older
// formats. The Users API never impersonates: impersonatorUserId is null.
// An impersonator reading users with its session (users.read) gets no
// password hash and no hash options (a scrypt signer key is a secret).
func (c *call) shapeUser(m userModel) userModel {
	if c.key == nil && !c.admin {
		m.Password, m.HashOptions = nil, jsonNull
	}
	if c.formatBefore("1.9.0") {
		m.Impersonator, m.ImpersonatorUserID = nil, nil
	}
	return m
}
