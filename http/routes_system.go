package http

func (s *Server) systemRoutes() {}
