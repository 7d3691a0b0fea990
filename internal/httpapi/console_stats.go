package httpapi

import "net/http"

// projectStatsRoutes serve the console's dashboard: a Gatehouse addition
// to the Projects API, read-only, with the instance admin key or an
// administrator's session.
func (s *Server) projectStatsRoutes() {
	s.handle("GET /v1/projects/{projectId}/stats", route{console: true}, s.projectStats)
}

type dayStatsModel struct {
	Date          string `json:"date"` // YYYY-MM-DD, UTC
	SignUps       int64  `json:"signUps"`
	SignIns       int64  `json:"signIns"`
	FailedSignIns int64  `json:"failedSignIns"`
}

type statsModel struct {
	Users int             `json:"users"`
	Days  []dayStatsModel `json:"days"`
}

// projectStats is GET /v1/projects/{projectId}/stats?days=N: the
// project's users now, and per day of the last N (1-90, default 30,
// today last) its sign-ups, sign-ins (sessions begun, but not those a key
// made) and failed password sign-ins.
func (s *Server) projectStats(c *call) error {
	id, err := c.projectIDParam()
	if err != nil {
		return err
	}
	days, sent, err := c.p.integer("days", 1, 90)
	if err != nil {
		return err
	}
	if !sent {
		days = 30
	}
	if _, err := s.Projects.Get(c.ctx(), id); err != nil {
		return err
	}
	list, users, err := s.Accounts.Stats(c.ctx(), id, int(days))
	if err != nil {
		return err
	}
	out := statsModel{Users: users, Days: make([]dayStatsModel, len(list))}
	for i, d := range list {
		out.Days[i] = dayStatsModel{Date: d.Day.Format("2006-01-02"), SignUps: d.SignUps, SignIns: d.SignIns, FailedSignIns: d.FailedSignIn}
	}
	return c.json(http.StatusOK, out)
}
