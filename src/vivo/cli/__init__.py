"""vivo.cli"""
