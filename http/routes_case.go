package http

func (s *Server) caseRoutes() {}
