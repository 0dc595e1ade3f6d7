"""vivo.cells"""
