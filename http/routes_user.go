package http

func (s *Server) userRoutes() {}
