"""The local stand-in for API Gateway and Lambda: template.yaml's API served as the cloud serves it."""
