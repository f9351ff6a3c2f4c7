package http

func (s *Server) contentRoutes() {}
