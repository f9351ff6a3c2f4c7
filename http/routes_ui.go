package http

func (s *Server) uiRoutes() {}
