package httpapi

import (
	"net/http"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

// Project variables: Gatehouse keeps them for the project's own server
// code (it runs no functions). A secret variable's value is sealed at
// rest and never read back: it answers "".
func (s *Server) variableRoutes() {
	read, write := []string{"project.read"}, []string{"project.write"}
	s.projectHandle("GET /v1/project/variables", read, s.listVariables)
	s.projectHandle("POST /v1/project/variables", write, s.createVariable)
	s.projectHandle("GET /v1/project/variables/{variableId}", read, s.getVariable)
	s.projectHandle("PUT /v1/project/variables/{variableId}", write, s.updateVariable)
	s.projectHandle("DELETE /v1/project/variables/{variableId}", write, s.deleteVariable)
}

type variableModel struct {
	ID           string `json:"$id"`
	CreatedAt    string `json:"$createdAt"`
	UpdatedAt    string `json:"$updatedAt"`
	Key          string `json:"key"`
	Value        string `json:"value"`
	Secret       bool   `json:"secret"`
	ResourceType string `json:"resourceType"`
	ResourceID   string `json:"resourceId"`
}

func variableOf(v *storage.Variable) variableModel {
	m := variableModel{ID: v.ID, CreatedAt: when(v.CreatedAt), UpdatedAt: when(v.UpdatedAt), Key: v.Key, Value: v.Value,
		Secret: v.Secret, ResourceType: "project"}
	if v.Secret {
		m.Value = ""
	}
	return m
}

const (
	maxVariableKey   = 255
	maxVariableValue = 8192
)

func (s *Server) listVariables(c *call) error {
	page, counts, err := settingsPage(c)
	if err != nil {
		return err
	}
	vs, total, err := s.Projects.Variables(c.ctx(), c.project.ID, page)
	if err != nil {
		return err
	}
	out := make([]variableModel, len(vs))
	for i, v := range vs {
		out[i] = variableOf(v)
	}
	return c.json(http.StatusOK, struct {
		Total     int             `json:"total"`
		Variables []variableModel `json:"variables"`
	}{listTotal(total, counts), out})
}

func (s *Server) createVariable(c *call) error {
	id, sent, err := c.p.str("variableId")
	if err != nil {
		return err
	}
	if !sent {
		// Formats before 1.9.0 had no variableId: Appwrite fills in
		// unique().
		if !c.formatBefore("1.9.0") {
			return apperr.Missing("variableId")
		}
		id = "unique()"
	}
	if err := validate.CustomID("variableId", id); err != nil {
		return err
	}
	key, err := c.p.required("key")
	if err != nil {
		return err
	}
	if err := validate.Text("key", key, 1, maxVariableKey); err != nil {
		return err
	}
	value, err := c.p.required("value")
	if err != nil {
		return err
	}
	if err := validate.Text("value", value, 0, maxVariableValue); err != nil {
		return err
	}
	secret, sent, err := c.p.boolean("secret")
	if err != nil {
		return err
	}
	if !sent {
		secret = true // Appwrite 1.9's default
	}
	v := &storage.Variable{ProjectID: c.project.ID, ID: id, Key: key, Value: value, Secret: secret}
	if secret {
		v.Value = s.Seal.Seal(value)
	}
	if err := s.Projects.CreateVariable(c.ctx(), v); err != nil {
		return err
	}
	return c.json(http.StatusCreated, variableOf(v))
}

func (s *Server) getVariable(c *call) error {
	id := c.r.PathValue("variableId")
	if err := validate.UID("variableId", id); err != nil {
		return err
	}
	v, err := s.Projects.Variable(c.ctx(), c.project.ID, id)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, variableOf(v))
}

// updateVariable changes what is sent; a secret variable stays secret
// (variable_cannot_unset_secret), and one made secret is sealed.
func (s *Server) updateVariable(c *call) error {
	id := c.r.PathValue("variableId")
	if err := validate.UID("variableId", id); err != nil {
		return err
	}
	key, keySent, err := c.p.str("key")
	if err != nil {
		return err
	}
	if keySent {
		if err := validate.Text("key", key, 1, maxVariableKey); err != nil {
			return err
		}
	}
	value, valueSent, err := c.p.str("value")
	if err != nil {
		return err
	}
	if valueSent {
		if err := validate.Text("value", value, 0, maxVariableValue); err != nil {
			return err
		}
	}
	secret, secretSent, err := c.p.boolean("secret")
	if err != nil {
		return err
	}
	v, err := s.Projects.UpdateVariable(c.ctx(), c.project.ID, id, func(v *storage.Variable) error {
		plain := v.Value
		if v.Secret {
			if plain, err = s.Seal.Open(v.Value); err != nil {
				return err
			}
		}
		if keySent {
			v.Key = key
		}
		if valueSent {
			plain = value
		}
		if secretSent {
			v.Secret = secret
		}
		v.Value = plain
		if v.Secret {
			v.Value = s.Seal.Seal(plain)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, variableOf(v))
}

func (s *Server) deleteVariable(c *call) error {
	id := c.r.PathValue("variableId")
	if err := validate.UID("variableId", id); err != nil {
		return err
	}
	if err := s.Projects.DeleteVariable(c.ctx(), c.project.ID, id); err != nil {
		return err
	}
	return c.noContent()
}
