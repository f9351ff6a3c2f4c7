package http

func (s *Server) hmaRoutes() {}
