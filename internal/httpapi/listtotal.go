package httpapi

// countsTotal reads a list route's `total` parameter (Appwrite 1.8): when
// it is false the answer's total is 0, whatever the list holds. A value
// that is not a boolean is general_argument_invalid.
func (c *call) countsTotal() (bool, error) {
	on, sent, err := c.p.boolean("total")
	if err != nil {
		return false, err
	}
	return on || !sent, nil
}
