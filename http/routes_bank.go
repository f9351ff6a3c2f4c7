package http

func (s *Server) bankRoutes() {}
