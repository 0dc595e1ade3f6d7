"""vivo.editing"""
