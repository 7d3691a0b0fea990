package httpapi

import (
	"net/http"

	"github.com/gatehouse-auth/gatehouse/internal/password"
)

// importRoutes are POST /users/{algorithm}: users whose password hash
// comes from another system, verified as it is and upgraded to argon2id
// at the first sign-in.
func (s *Server) importRoutes() {
	write := route{scope: "users.write"}
	for path, algo := range map[string]string{
		"argon2": "argon2", "bcrypt": "bcrypt", "md5": "md5", "sha": "sha", "phpass": "phpass",
		"scrypt": "scrypt", "scrypt-modified": "scryptMod",
	} {
		s.handle("POST /v1/users/"+path, write, s.importUser(algo))
	}
}

func (s *Server) importUser(algo string) handlerFunc {
	return func(c *call) error {
		in, err := newUserFields(c, true)
		if err != nil {
			return err
		}
		hash, err := c.p.required("password")
		if err != nil {
			return err
		}
		var ip password.ImportParams
		for name, dst := range map[string]*string{"passwordVersion": &ip.Version, "passwordSalt": &ip.Salt,
			"passwordSaltSeparator": &ip.SaltSeparator, "passwordSignerKey": &ip.SignerKey} {
			if *dst, _, err = c.p.str(name); err != nil {
				return err
			}
		}
		for name, dst := range map[string]*int{"passwordCpu": &ip.CPU, "passwordMemory": &ip.Memory,
			"passwordParallel": &ip.Parallel, "passwordLength": &ip.Length} {
			n, _, err := c.p.integer(name, 0, 1<<30)
			if err != nil {
				return err
			}
			*dst = int(n)
		}
		im, err := password.NewImported(algo, hash, ip)
		if err != nil {
			return err
		}
		in.Hash, in.HashValue, in.HashOptions = im.Algo, im.Hash, im.Options
		u, err := s.Accounts.CreateUser(c.ctx(), c.project.Project, in, c.actor())
		if err != nil {
			return err
		}
		return c.json(http.StatusCreated, userOf(u))
	}
}
