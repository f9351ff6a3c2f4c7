package http

func (s *Server) webhookRoutes() {}
