"""What every page shares: health check, error pages and response headers."""
