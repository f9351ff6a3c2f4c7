package http

func (s *Server) auditRoutes() {}
