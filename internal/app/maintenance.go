package app

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/gatehouse-auth/gatehouse/internal/maintenance"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// sweepMetrics count what this node's maintenance sweeps removed.
type sweepMetrics struct {
	rows   *prometheus.CounterVec
	sweeps prometheus.Counter
}

func newSweepMetrics() *sweepMetrics {
	m := &sweepMetrics{
		rows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gatehouse_sweep_removed_rows_total",
			Help: "Rows the maintenance sweeps run on this node removed, by kind (sessions, tokens, logs, ...).",
		}, []string{"kind"}),
		sweeps: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gatehouse_sweeps_total", Help: "Maintenance sweeps run on this node.",
		}),
	}
	for _, k := range storage.SweepKinds {
		m.rows.WithLabelValues(string(k)) // every kind shows, at 0 until swept
	}
	return m
}

func (m *sweepMetrics) observe(c maintenance.Counts) {
	for k, n := range c {
		m.rows.WithLabelValues(string(k)).Add(float64(n))
	}
	m.sweeps.Inc()
}

func (m *sweepMetrics) register(reg prometheus.Registerer) {
	reg.MustRegister(m.rows, m.sweeps)
}
