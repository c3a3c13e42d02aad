"""The API boundary of references: viewsets, serializers, renderers and parsers."""
