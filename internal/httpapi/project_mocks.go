package httpapi

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

// maxMockNumbers bounds a project's mock phone numbers. They ride in the
// project's settings, read on every phone sign-in; Appwrite allows 5000,
// which no test or store review needs.
const maxMockNumbers = 100

func (s *Server) mockPhoneRoutes() {
	read, write := []string{"mocks.read"}, []string{"mocks.write"}
	s.projectHandle("GET /v1/project/mock-phones", read, s.listMockPhones)
	s.projectHandle("POST /v1/project/mock-phones", write, s.createMockPhone)
	s.projectHandle("GET /v1/project/mock-phones/{number}", read, s.getMockPhone)
	s.projectHandle("PUT /v1/project/mock-phones/{number}", write, s.updateMockPhone)
	s.projectHandle("DELETE /v1/project/mock-phones/{number}", write, s.deleteMockPhone)
}

// mockNumberModel is Appwrite 1.9.2's MockNumber; older formats get
// {phone, otp}.
type mockNumberModel struct {
	Number    string `json:"number"`
	OTP       string `json:"otp"`
	CreatedAt string `json:"$createdAt"`
	UpdatedAt string `json:"$updatedAt"`
}

type oldMockNumberModel struct {
	Phone string `json:"phone"`
	OTP   string `json:"otp"`
}

func (c *call) mockNumberOf(m storage.MockNumber) any {
	if c.formatBefore("1.9.2") {
		return oldMockNumberModel{Phone: m.Phone, OTP: m.OTP}
	}
	return mockNumberModel{Number: m.Phone, OTP: m.OTP, CreatedAt: when(m.CreatedAt), UpdatedAt: when(m.UpdatedAt)}
}

// checkMockNumber validates one mock number: E.164 and a 6-digit code.
func checkMockNumber(param, phone, otp string) error {
	if err := validate.Phone(param, phone); err != nil {
		return err
	}
	if len(otp) != 6 || !allDigits(otp) {
		return apperr.Invalid("otp", "Value must be exactly 6 digits")
	}
	return nil
}

// numberParam reads the {number} path value: E.164, its '+' optional
// (a '+' left unescaped in a query-style path may arrive as a space).
func numberParam(c *call) (string, error) {
	n, err := url.PathUnescape(c.r.PathValue("number"))
	if err != nil {
		return "", apperr.Invalid("number", "Value must be a valid phone number")
	}
	n = strings.TrimSpace(n)
	if n != "" && n[0] != '+' {
		n = "+" + n
	}
	return n, validate.Phone("number", n)
}

func findMock(a *storage.AuthSettings, number string) int {
	for i, m := range a.MockNumbers {
		if m.Phone == number {
			return i
		}
	}
	return -1
}

func (s *Server) listMockPhones(c *call) error {
	page, counts, err := settingsPage(c)
	if err != nil {
		return err
	}
	p, err := s.Projects.Get(c.ctx(), c.project.ID)
	if err != nil {
		return err
	}
	nums := p.Settings.Auth.MockNumbers
	lo, hi := pageOf(len(nums), page)
	out := make([]any, 0, hi-lo)
	for _, m := range nums[lo:hi] {
		out = append(out, c.mockNumberOf(m))
	}
	return c.json(http.StatusOK, struct {
		Total   int   `json:"total"`
		Numbers []any `json:"mockNumbers"`
	}{listTotal(len(nums), counts), out})
}

func (s *Server) createMockPhone(c *call) error {
	number, err := c.p.required("number")
	if err != nil {
		return err
	}
	otp, err := c.p.required("otp")
	if err != nil {
		return err
	}
	if err := checkMockNumber("number", number, otp); err != nil {
		return err
	}
	now := s.Now().UTC()
	m := storage.MockNumber{Phone: number, OTP: otp, CreatedAt: now, UpdatedAt: now}
	_, err = s.Projects.Update(c.ctx(), c.project.ID, func(p *storage.Project) error {
		a := &p.Settings.Auth
		if findMock(a, number) >= 0 {
			return apperr.New(apperr.MockNumberExists)
		}
		if len(a.MockNumbers) >= maxMockNumbers {
			return apperr.New(apperr.MockNumberLimit)
		}
		a.MockNumbers = append(a.MockNumbers, m)
		return nil
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusCreated, c.mockNumberOf(m))
}

func (s *Server) getMockPhone(c *call) error {
	number, err := numberParam(c)
	if err != nil {
		return err
	}
	p, err := s.Projects.Get(c.ctx(), c.project.ID)
	if err != nil {
		return err
	}
	i := findMock(&p.Settings.Auth, number)
	if i < 0 {
		return apperr.New(apperr.MockNumberNotFound)
	}
	return c.json(http.StatusOK, c.mockNumberOf(p.Settings.Auth.MockNumbers[i]))
}

func (s *Server) updateMockPhone(c *call) error {
	number, err := numberParam(c)
	if err != nil {
		return err
	}
	otp, err := c.p.required("otp")
	if err != nil {
		return err
	}
	if err := checkMockNumber("number", number, otp); err != nil {
		return err
	}
	var out storage.MockNumber
	_, err = s.Projects.Update(c.ctx(), c.project.ID, func(p *storage.Project) error {
		a := &p.Settings.Auth
		i := findMock(a, number)
		if i < 0 {
			return apperr.New(apperr.MockNumberNotFound)
		}
		a.MockNumbers[i].OTP = otp
		a.MockNumbers[i].UpdatedAt = s.Now().UTC()
		out = a.MockNumbers[i]
		return nil
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, c.mockNumberOf(out))
}

func (s *Server) deleteMockPhone(c *call) error {
	number, err := numberParam(c)
	if err != nil {
		return err
	}
	_, err = s.Projects.Update(c.ctx(), c.project.ID, func(p *storage.Project) error {
		a := &p.Settings.Auth
		i := findMock(a, number)
		if i < 0 {
			return apperr.New(apperr.MockNumberNotFound)
		}
		a.MockNumbers = append(a.MockNumbers[:i:i], a.MockNumbers[i+1:]...)
		return nil
	})
	if err != nil {
		return err
	}
	return c.noContent()
}

// replaceMockNumbers is the console's whole-list update: numbers kept
// keep their creation time; the list obeys the Project API's rules.
func (s *Server) replaceMockNumbers(c *call, pid string, nums []storage.MockNumber) error {
	if len(nums) > maxMockNumbers {
		return apperr.New(apperr.MockNumberLimit)
	}
	seen := map[string]bool{}
	for _, n := range nums {
		if err := checkMockNumber("numbers", n.Phone, n.OTP); err != nil {
			return err
		}
		if seen[n.Phone] {
			return apperr.New(apperr.MockNumberExists)
		}
		seen[n.Phone] = true
	}
	now := s.Now().UTC()
	return s.updateAuthOf(c, pid, func(a *storage.AuthSettings) error {
		next := make([]storage.MockNumber, len(nums))
		for i, n := range nums {
			next[i] = storage.MockNumber{Phone: n.Phone, OTP: n.OTP, CreatedAt: now, UpdatedAt: now}
			if j := findMock(a, n.Phone); j >= 0 {
				next[i].CreatedAt = a.MockNumbers[j].CreatedAt
				if a.MockNumbers[j].OTP == n.OTP {
					next[i].UpdatedAt = a.MockNumbers[j].UpdatedAt
				}
			}
		}
		a.MockNumbers = next
		return nil
	})
}
